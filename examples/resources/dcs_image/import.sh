# Import by the reference of the primary tag: registry/repository:tag.
terraform import dcs_image.golden myreg.azurecr.io/ml/golden:1.4.0
