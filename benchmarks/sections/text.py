"""Text features of whole vocabularies (K400: 400 names, SSv2: 174) with the
GA2 text head at 77 tokens vs EOT-truncated (one batch, and length buckets:
the default fast path); identical features (max abs diff reported). Entries
with ``text_row`` (ATPrompt: attribute tokens before the class context) add
their rows, named ``<vocab> (<method>)``."""
from typing import Dict

from benchmarks import methods
from benchmarks.common import (TARGETS, interleaved, med, paired_ratio,
                               vocabulary)


def run(args, device, ctx) -> Dict:
    rows = []
    for name in methods.text_names():
        new = _rows(args, device, ctx, name)
        if name != methods.PRIMARY:  # e.g. ATPrompt: its own rows
            for r in new:
                r.update(vocab=f"{r['vocab']} ({name})", method=name)
        rows += new
    return dict(head='GA2TextHead (16 ctx tokens, depth 9)' if not args.quick
                else 'GA2TextHead (tiny)', rows=rows,
                target=TARGETS['text'])


def _rows(args, device, ctx, name):
    import torch
    import torch.nn.functional as F
    model = ctx['model'](name).eval()
    head = model.text_head
    rows = []
    for vocab in ('K400', 'SSv2'):
        names = vocabulary(vocab)
        tokens, pool = head._cached_tokens(head.prompt_texts(names))

        bucket = head.text.bucket_size

        def run(fast, buckets=True):
            head.text.fast = fast
            head.text.bucket_size = bucket if buckets else 0
            try:
                with torch.no_grad():
                    return head(names)
            finally:
                head.text.fast, head.text.bucket_size = True, bucket
        times = interleaved({'77': lambda: run(False),
                             'eot_batch': lambda: run(True, False),
                             'eot': lambda: run(True)}, device, args.repeats)
        slow, fast = run(False).float(), run(True).float()
        rows.append(dict(
            vocab=vocab, classes=len(names), tokens_max=int(pool.max()) + 1,
            tokens_mean=float(pool.float().mean()) + 1,
            s_77=med(times['77']), s_eot=med(times['eot']),
            s_eot_batch=med(times['eot_batch']), bucket_size=bucket,
            speedup=1 / paired_ratio(times, 'eot', '77'),
            speedup_batch=1 / paired_ratio(times, 'eot_batch', '77'),
            times_eot_batch=times['eot_batch'],
            max_abs_diff=float((slow - fast).abs().max()),
            max_abs_diff_normalized=float(
                (F.normalize(slow, dim=-1) - F.normalize(fast, dim=-1)
                 ).abs().max()),
            times_77=times['77'], times_eot=times['eot']))
    return rows


