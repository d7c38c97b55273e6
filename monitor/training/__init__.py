"""Training the CNN detector: chips (synthetic and real), targets, batches, the loop, calibration and model card."""
