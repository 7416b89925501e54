# The image url as registered (short forms are normalised).
terraform import dcs_air_image_registration.trainer docker.io/acme/trainer:2026.11.1
