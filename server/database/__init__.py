"""The database room: SQLite connection tuning, bulk insert at the driver's speed, online backup."""
