"""Services shared by the window and the command line: accounts, files, sending."""
