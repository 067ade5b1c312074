"""Files the application reads at run time: consent templates, icons."""
