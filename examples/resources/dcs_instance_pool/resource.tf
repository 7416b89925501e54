# A GPU pool that keeps the team's image pulled on idle instances.
resource "dcs_instance_pool" "gpu" {
  instance_pool_name                    = "nlp-gpu"
  node_type_id                          = "Standard_NC6s_v3"
  min_idle_instances                    = 1
  max_capacity                          = 8
  idle_instance_autotermination_minutes = 20
  preloaded_spark_versions              = ["14.3.x-scala2.12"]

  preloaded_docker_image {
    url = "myregistry.azurecr.io/nlp/gpu-nlp:1.4.2"
    basic_auth {
      username = "{{secrets/acr/username}}"
      password = "{{secrets/acr/password}}"
    }
  }

  custom_tags = {
    team = "nlp"
  }
}
