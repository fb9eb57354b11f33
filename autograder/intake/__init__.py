"""What students hand in, read as data: folders, archives and files, and notebooks turned into modules."""
