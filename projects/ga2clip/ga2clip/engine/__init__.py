from .ddp import CPUCompatDDP
from .hooks import VocabularyHook
from .resume import (PREEMPTED_EXIT_CODE, ExactResumeHook, PreemptionHook,
                     TrainingPreempted)

__all__ = ['CPUCompatDDP', 'VocabularyHook', 'ExactResumeHook',
           'PreemptionHook', 'PREEMPTED_EXIT_CODE', 'TrainingPreempted']
