# Zero-shot evaluation template (zs_eval_<dataset>_<split>.py fill in the
# paths): a test loader only, VocabVideoDataset with the test pipeline,
# scored in the list's full vocabulary by BaseNovelMetric.
_base_ = ['./video_pipelines.py']
test_dataloader = dict(
    batch_size=8, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='VocabVideoDataset', test_mode=True,
                 pipeline={{_base_.test_pipeline}}))
test_evaluator = dict(type='BaseNovelMetric')
# mmengine's Runner needs the loop next to the test loader and evaluator.
test_cfg = dict(type='TestLoop')
