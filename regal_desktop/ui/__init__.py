"""The desktop editor: views, Qt models over the contact being edited, and their commands."""
