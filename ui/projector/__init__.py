"""The meeting-room displays: the projector window (ranking, chart, progress, reveal, timer)."""
