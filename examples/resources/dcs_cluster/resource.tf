# A single-user GPU cluster running a custom image from a pool that preloads it.
resource "dcs_instance_pool" "gpu" {
  instance_pool_name = "nlp-gpu"
  node_type_id       = "Standard_NC6s_v3"
  max_capacity       = 4

  preloaded_docker_image {
    url = "myregistry.azurecr.io/nlp/gpu-nlp:1.4.2"
    basic_auth {
      username = "{{secrets/acr/username}}"
      password = "{{secrets/acr/password}}"
    }
  }
}

resource "dcs_cluster" "nlp" {
  cluster_name            = "nlp-training"
  spark_version           = "14.3.x-scala2.12" # standard runtime: ML runtimes cannot run custom images
  instance_pool_id        = dcs_instance_pool.gpu.id
  num_workers             = 2
  autotermination_minutes = 60
  data_security_mode      = "SINGLE_USER"
  single_user_name        = "data-scientist@example.com"

  spark_conf = {
    "spark.databricks.unityCatalog.volumes.enabled" = "true"
  }

  docker_image {
    url = "myregistry.azurecr.io/nlp/gpu-nlp:1.4.2"
    basic_auth {
      # Secret references are resolved by the workspace when the cluster starts.
      username = "{{secrets/acr/username}}"
      password = "{{secrets/acr/password}}"
    }
  }

  custom_tags = {
    team = "nlp"
  }

  timeouts {
    create = "40m"
  }
}
