"""Root conftest: the plugin itself loads through its pytest11 entry point."""
