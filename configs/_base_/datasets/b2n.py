# Base-to-novel protocol template (b2n_<dataset>.py fill in the paths):
# training and validation in the base vocabulary; the test set is a
# VocabConcatDataset of two closed sets, base-class videos in the base
# vocabulary and novel-class videos in the novel vocabulary, tested in ONE
# run (each dataset base lists the two; their pipeline is the test pipeline
# given here). BaseNovelMetric reports base/top1, base/top5, novel/top1,
# novel/top5 and HM.
_base_ = ['./vocab_loaders.py']
train_dataloader = dict(dataset=dict(vocab_name='base'))
val_dataloader = dict(dataset=dict(vocab_name='base'))
test_dataloader = dict(
    dataset=dict(_delete_=True, type='VocabConcatDataset',
                 pipeline={{_base_.test_pipeline}}))
