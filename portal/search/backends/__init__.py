"""The portal's own search backends (modelsearch's backend interface)."""
