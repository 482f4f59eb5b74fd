"""Built-in condition plugins. Each module is registered as a plugin."""
