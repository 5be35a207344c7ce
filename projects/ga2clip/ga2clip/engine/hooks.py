"""Hand the class vocabularies of the running dataset to the model."""
from typing import Dict, List

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmaction.registry import HOOKS


def collect_vocabularies(dataset) -> Dict[str, List[str]]:
    """Return ``{vocab name: [class names]}`` of a dataset.

    A dataset declares its vocabularies with a ``vocabularies`` attribute
    (``dict`` name -> list of class names). Wrappers (``ConcatDataset``,
    ``RepeatDataset``, ...) are searched through ``.datasets``/``.dataset``.
    """
    found: Dict[str, List[str]] = {}
    vocabs = getattr(dataset, 'vocabularies', None)
    if vocabs:
        for name, names in vocabs.items():
            if name in found and list(found[name]) != list(names):
                raise ValueError(
                    f'two datasets define vocabulary {name!r} with different '
                    'class lists; give them distinct `vocab_name`s')
            found[name] = list(names)
    children = list(getattr(dataset, 'datasets', []) or [])
    if getattr(dataset, 'dataset', None) is not None:
        children.append(dataset.dataset)
    for child in children:
        for name, names in collect_vocabularies(child).items():
            if name in found and found[name] != names:
                raise ValueError(
                    f'two datasets define vocabulary {name!r} with different '
                    'class lists; give them distinct `vocab_name`s')
            found[name] = names
    return found


@HOOKS.register_module()
class VocabularyHook(Hook):
    """Before each train/val/test epoch, call
    ``model.set_vocabularies(dataset vocabularies)``.

    This is how one checkpoint is evaluated on any class list: the text
    side of the model is computed from the names of the dataset it runs on.
    Datasets without a ``vocabularies`` attribute leave the model's own
    (config-given) vocabularies in place.
    """

    priority = 'VERY_HIGH'

    def _set(self, runner, loader):
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if not hasattr(model, 'set_vocabularies'):
            return
        vocabs = collect_vocabularies(loader.dataset)
        if vocabs:
            model.set_vocabularies(vocabs)

    def before_train_epoch(self, runner):
        self._set(runner, runner.train_dataloader)

    def before_val_epoch(self, runner):
        self._set(runner, runner.val_dataloader)

    def after_val_epoch(self, runner, metrics=None):
        # Back to the training vocabulary for the next training epoch/iter.
        from mmengine.runner import BaseLoop
        if isinstance(getattr(runner, '_train_loop', None), BaseLoop):
            self._set(runner, runner.train_dataloader)

    def before_test_epoch(self, runner):
        self._set(runner, runner.test_dataloader)
