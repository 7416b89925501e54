terraform import dcs_instance_pool.gpu 0101-120000-pool00-abcdefgh
