# Dataloader defaults of the real-video dataset bases: those of
# vocab_loaders_train_val.py plus a test loader like the validation one
# (VocabVideoDataset, test pipeline, BaseNovelMetric).
_base_ = ['./vocab_loaders_train_val.py']
test_dataloader = {{_base_.val_dataloader}}
test_evaluator = {{_base_.val_evaluator}}
