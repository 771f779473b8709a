"""The Qt user interface; it calls evalapp services and never touches the database itself."""
