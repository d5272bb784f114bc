/** The Python helper every exported file carries: padding one dimension with PyTorch's modes, exactly. */

/**
 * `_pad` pads any one dimension, of a tensor of any rank, by any amount the mode allows
 * (docs/semantics.md section 2). F.pad's reflect/replicate/circular modes only pad the last
 * dimensions of 3-5D tensors, and in PyTorch 1.13 limit the padding to the input size, so those
 * modes gather indices instead (the same source positions as runtime/cpu/pad.ts); zeros use
 * F.pad's constant mode, which takes any dimension.
 */
export const PAD_HELPER = `def _pad(x, dim, lo, hi, mode):
    """Pads dimension \`dim\` of \`x\` with \`lo\` entries before and \`hi\` after, filled by \`mode\`."""
    if lo == 0 and hi == 0:
        return x
    if mode == 'zeros':
        return F.pad(x, [0, 0] * (x.dim() - 1 - dim) + [lo, hi])
    n = x.shape[dim]
    i = torch.arange(-lo, n + hi, device=x.device)
    if mode == 'circular':  # ... n-2 n-1 | 0 1 ... n-1 | 0 1 ...
        source = torch.remainder(i, n)
    elif mode == 'reflect':  # ... 2 1 | 0 1 ... n-1 | n-2 n-3 ...
        source = i.abs()
        source = torch.where(source > n - 1, 2 * (n - 1) - source, source)
    elif mode == 'replicate':  # ... 0 0 | 0 1 ... n-1 | n-1 n-1 ...
        source = i.clamp(0, n - 1)
    else:
        raise ValueError('unknown padding mode ' + repr(mode))
    return x.index_select(dim, source)
`;
