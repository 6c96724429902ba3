"""An operator's work on the instance: setting it up, credentials, backups, audit and restoration."""
