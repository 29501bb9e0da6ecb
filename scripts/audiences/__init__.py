"""The audiences project's Python: the data generator, the raw loader, the publisher, the
exporters, the report, the benchmark and the Spark check, behind one command (`audiences`)."""
