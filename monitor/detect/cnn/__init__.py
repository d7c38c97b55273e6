"""The trained point detector (CenterNet-style) for landing ships, vessels and aircraft at 10 m."""
