"""Item pipelines: one job each, in the order eventhound.settings.ITEM_PIPELINES gives."""
