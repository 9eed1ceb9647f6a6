"""PyTorch peer of LM Forge's TensorFlow LSTM language model (Zaremba "small" recipe by default).

Reads int32 little-endian token ids (train, validation, test) written by TrainerBench, batches them the
same way as dev.lmforge.trainer.model.TokenWindows (the stream cut into `batch` contiguous streams of
near-equal length, read `bptt` steps at a time, the last window padded with ignored targets), trains
with truncated BPTT (state carried, detached), SGD or Adam, gradient clipping by global norm, the
Zaremba learning-rate schedule (lr × decay^max(0, epoch − decay_start)), scores the validation and
test splits after every epoch, and reports tokens/s, per-epoch held-out figures and peak RSS as one
JSON line. Bits per character are the test split's nats / ln 2 / --test-chars.

The gradient is that of the window's cross-entropy summed over time and averaged over the batch
(Zaremba / TF PTB convention), so lr 1 and clip 5 are Zaremba's settings.

Set OMP_NUM_THREADS before starting Python (torch reads it when imported); --threads must agree.
Optional --init FILE loads the initial weights written by TrainerBench (float32 LE, in order:
embedding [V,E]; per layer W [in+H,4H] (gates i,f,g,o), b [4H]; softmax W [H,V], b [V]) so that
both frameworks start from the same point.
"""
import argparse
import json
import math
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn


def windows(tokens, batch, bptt):
    """Yields (inputs, targets) int64 [batch, bptt]; targets -1 where padded (ignored)."""
    n = len(tokens) - 1
    q, r = divmod(n, batch)
    starts = [k * q + min(k, r) for k in range(batch)]
    lengths = [q + (1 if k < r else 0) for k in range(batch)]
    longest = max(lengths)
    for t0 in range(0, longest, bptt):
        inp = np.zeros((batch, bptt), dtype=np.int64)
        tgt = np.full((batch, bptt), -1, dtype=np.int64)
        for b in range(batch):
            m = min(bptt, lengths[b] - t0)
            if m > 0:
                s = starts[b] + t0
                inp[b, :m] = tokens[s:s + m]
                tgt[b, :m] = tokens[s + 1:s + 1 + m]
        yield torch.from_numpy(inp), torch.from_numpy(tgt)


class LstmLm(nn.Module):
    def __init__(self, vocab, emb, hidden, layers, dropout, tie):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.embedding = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, layers, dropout=dropout, batch_first=True)
        self.decoder = nn.Linear(hidden, vocab)
        if tie:
            self.decoder.weight = self.embedding.weight

    def single_bias(self):
        """One bias per gate as in Zaremba's (and our TensorFlow) LSTM: bias_hh fixed at zero."""
        for name, param in self.lstm.named_parameters():
            if name.startswith('bias_hh'):
                with torch.no_grad():
                    param.zero_()
                param.requires_grad_(False)

    def forward(self, x, state):
        out, state = self.lstm(self.drop(self.embedding(x)), state)
        return self.decoder(self.drop(out)), state


def load_init(model, path, args):
    data = np.fromfile(path, dtype='<f4')
    pos = 0

    def take(*shape):
        nonlocal pos
        size = int(np.prod(shape))
        t = torch.from_numpy(data[pos:pos + size].reshape(shape).copy())
        pos += size
        return t

    with torch.no_grad():
        model.embedding.weight.copy_(take(args.vocab, args.emb))
        for layer in range(args.layers):
            inp = args.emb if layer == 0 else args.hidden
            w = take(inp + args.hidden, 4 * args.hidden)
            b = take(4 * args.hidden)
            getattr(model.lstm, f'weight_ih_l{layer}').copy_(w[:inp].t())
            getattr(model.lstm, f'weight_hh_l{layer}').copy_(w[inp:].t())
            getattr(model.lstm, f'bias_ih_l{layer}').copy_(b)
            getattr(model.lstm, f'bias_hh_l{layer}').zero_()
        if not args.tie:
            model.decoder.weight.copy_(take(args.hidden, args.vocab).t())
        model.decoder.bias.copy_(take(args.vocab))
    if pos != len(data):
        sys.exit(f'init file has {len(data)} floats, expected {pos}')


def evaluate(model, tokens, args):
    model.eval()
    total, count = 0.0, 0
    state = None
    loss_fn = nn.CrossEntropyLoss(ignore_index=-1, reduction='sum')
    with torch.no_grad():
        for x, y in windows(tokens, args.eval_batch, args.bptt):
            logits, state = model(x, state)
            total += loss_fn(logits.reshape(-1, args.vocab), y.reshape(-1)).item()
            count += int((y >= 0).sum())
    return total, count


def held_out(model, valid, test, epoch, args):
    """Validation perplexity and, with a test split, its perplexity and bits per character."""
    nats, count = evaluate(model, valid, args)
    row = {'epoch': epoch, 'valid_ppl': math.exp(nats / count)}
    if test is not None:
        test_nats, test_count = evaluate(model, test, args)
        row.update(test_ppl=math.exp(test_nats / test_count), test_bpc=test_nats / math.log(2) / args.test_chars)
    return row


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--train', required=True)
    p.add_argument('--valid', required=True)
    p.add_argument('--vocab', type=int, default=10000)
    p.add_argument('--emb', type=int, default=200)
    p.add_argument('--hidden', type=int, default=200)
    p.add_argument('--layers', type=int, default=2)
    p.add_argument('--dropout', type=float, default=0.0)
    p.add_argument('--tie', action='store_true')
    p.add_argument('--init-scale', type=float, default=0.1)
    p.add_argument('--batch', type=int, default=20)
    p.add_argument('--bptt', type=int, default=20)
    p.add_argument('--lr', type=float, default=1.0)
    p.add_argument('--clip', type=float, default=5.0)
    p.add_argument('--optimizer', choices=['sgd', 'adam'], default='sgd')
    p.add_argument('--epochs', type=int, default=1)
    p.add_argument('--eval-batch', type=int, default=10)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--init')
    p.add_argument('--test')
    p.add_argument('--test-chars', type=int, default=0, help='characters of the test text (for bits per character)')
    p.add_argument('--lr-decay', type=float, default=0.5)
    p.add_argument('--decay-start', type=int, default=4, help='first epoch (1-based) after which the learning rate decays')
    p.add_argument('--max-steps', type=int, default=0, help='stop each epoch after this many steps (0: all)')
    p.add_argument('--losses', help='write each step\'s loss and exact (float64) gradient norm to this file, one step a line')
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train = np.fromfile(args.train, dtype='<i4').astype(np.int64)
    valid = np.fromfile(args.valid, dtype='<i4').astype(np.int64)
    model = LstmLm(args.vocab, args.emb, args.hidden, args.layers, args.dropout, args.tie)
    for w in model.parameters():
        nn.init.uniform_(w, -args.init_scale, args.init_scale)
    if args.init:
        load_init(model, args.init, args)
    model.single_bias()
    params = [p for p in model.parameters() if p.requires_grad]
    if args.optimizer == 'sgd':
        opt = torch.optim.SGD(params, lr=args.lr)
    else:
        opt = torch.optim.Adam(params, lr=args.lr)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-1, reduction='sum')

    test = np.fromfile(args.test, dtype='<i4').astype(np.int64) if args.test else None
    trained_tokens, train_seconds, losses, norms, epochs = 0, 0.0, [], [], []
    if not args.max_steps:
        epochs.append(held_out(model, valid, test, 0, args))  # the initial weights: both frameworks score them alike
    for epoch in range(args.epochs):
        for group in opt.param_groups:
            group['lr'] = args.lr * args.lr_decay ** max(0, epoch + 1 - args.decay_start)
        model.train()
        state = None
        start = time.perf_counter()
        for step, (x, y) in enumerate(windows(train, args.batch, args.bptt)):
            if args.max_steps and step >= args.max_steps:
                break
            if state is not None:
                state = tuple(s.detach() for s in state)
            logits, state = model(x, state)
            valid_tokens = int((y >= 0).sum())
            loss = loss_fn(logits.reshape(-1, args.vocab), y.reshape(-1)) / args.batch
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if args.losses:
                norms.append(math.sqrt(sum(float((p.grad.double() ** 2).sum()) for p in params)))
            nn.utils.clip_grad_norm_(params, args.clip)
            opt.step()
            trained_tokens += valid_tokens
            losses.append(loss.item() * args.batch / max(valid_tokens, 1))
        train_seconds += time.perf_counter() - start
        print(f'epoch {epoch + 1}: train loss {np.mean(losses[-100:]):.4f}', file=sys.stderr)
        if not args.max_steps:
            epochs.append(held_out(model, valid, test, epoch + 1, args))
    if args.losses:
        with open(args.losses, 'w') as f:
            f.writelines(f'{loss:.6f} {norm:.6f}\n' for loss, norm in zip(losses, norms))
    print(json.dumps({
        'framework': 'pytorch', 'torch': torch.__version__, 'threads': args.threads,
        'tokens_per_s': trained_tokens / train_seconds, 'train_tokens': trained_tokens,
        'train_seconds': train_seconds, 'first_loss': losses[0], 'last_loss': float(np.mean(losses[-50:])), 'epochs': epochs,
        'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == '__main__':
    main()
