terraform import dcs_cluster.nlp 0101-120000-abcdefgh
