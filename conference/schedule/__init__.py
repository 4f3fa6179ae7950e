"""The programme as data: the schedule.yaml format, its validation and its exports."""
