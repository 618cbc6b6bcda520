"""Domain rules shared by every area: the clock, the status machine, tracking numbers, fields."""
