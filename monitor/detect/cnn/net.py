"""A small encoder-decoder that predicts object centres as heatmaps at output stride 2.

Objects are 2-15 px at 10 m, so the network keeps a stride-2 output (xView3's winners showed coarse strides
lose packed objects) and predicts, per output cell: one centre heatmap per class, the object's length and width
(log metres), its heading as (sin 2θ, cos 2θ) because a hull's axis has no direction at 10 m, and a sub-cell
offset. The encoder reaches stride 8 with a dilated block for context (piers, aprons) at little cost on a CPU.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torchvision.ops import Conv2dNormActivation

__all__ = ("STRIDE", "CenterNet", "NetConfig", "NetOutput")

STRIDE = 2


@dataclass(frozen=True)
class NetConfig:
    """Architecture hyper-parameters (stored in every checkpoint)."""

    in_channels: int
    num_classes: int = 4
    widths: tuple[int, int, int] = (32, 48, 64)
    head_width: int = 32


@dataclass
class NetOutput:
    """Raw head outputs at stride 2: logits (N, C, h, w), size (N, 2, h, w), heading (N, 2, h, w), offset."""

    heatmap: Tensor
    size: Tensor
    heading: Tensor
    offset: Tensor


def _block(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(
        Conv2dNormActivation(cin, cout, 3, stride=stride, dilation=dilation, activation_layer=nn.ReLU),
        Conv2dNormActivation(cout, cout, 3, activation_layer=nn.ReLU),
    )


class CenterNet(nn.Module):
    """Point detector: stride-2 heatmaps plus size, heading and offset regressions."""

    def __init__(self, cfg: NetConfig) -> None:
        """Build the network.

        Args:
            cfg: Architecture hyper-parameters.
        """
        super().__init__()
        self.cfg = cfg
        w1, w2, w3 = cfg.widths
        self.enc1 = _block(cfg.in_channels, w1, stride=2)
        self.enc2 = _block(w1, w2, stride=2)
        self.enc3 = nn.Sequential(_block(w2, w3, stride=2), _block(w3, w3, dilation=2))
        self.dec2 = Conv2dNormActivation(w3 + w2, w2, 3, activation_layer=nn.ReLU)
        self.dec1 = Conv2dNormActivation(w2 + w1, cfg.head_width, 3, activation_layer=nn.ReLU)
        hw = cfg.head_width
        self.heatmap = nn.Conv2d(hw, cfg.num_classes, 1)
        self.size = nn.Conv2d(hw, 2, 1)
        self.heading = nn.Conv2d(hw, 2, 1)
        self.offset = nn.Conv2d(hw, 2, 1)
        # Focal-loss practice: start the heatmap at a low prior so early training is not swamped by negatives.
        assert self.heatmap.bias is not None
        nn.init.constant_(self.heatmap.bias, -4.0)

    def forward(self, x: Tensor) -> NetOutput:
        """Run the network.

        Args:
            x: (N, C, H, W) normalised input; H and W must be multiples of 8.

        Returns:
            Head outputs at (H/2, W/2).
        """
        f1 = self.enc1(x)
        f2 = self.enc2(f1)
        f3 = self.enc3(f2)
        up2 = nn.functional.interpolate(f3, size=f2.shape[-2:], mode="nearest")
        d2 = self.dec2(torch.cat([up2, f2], dim=1))
        up1 = nn.functional.interpolate(d2, size=f1.shape[-2:], mode="nearest")
        d1 = self.dec1(torch.cat([up1, f1], dim=1))
        return NetOutput(self.heatmap(d1), self.size(d1), torch.tanh(self.heading(d1)), self.offset(d1))
