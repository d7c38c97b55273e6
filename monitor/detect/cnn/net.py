"""Encoder-decoders that predict object centres as heatmaps at output stride 2.

Objects are 2-15 px at 10 m, so the networks keep a stride-2 output (xView3's winners showed coarse strides
lose packed objects) and predict, per output cell: one centre heatmap per class, the object's length and width
(log metres), its heading as (sin 2θ, cos 2θ) because a hull's axis has no direction at 10 m, and a sub-cell
offset.

Two encoders exist, chosen by ``NetConfig.arch`` and stored in every bundle:

- ``resunet`` (the default since bundle 0.2): a stride-2 stem, then three stages of torchvision ResNet
  basic blocks down to stride 16 (the last one dilated for pier- and apron-scale context), and a light
  top-down decoder that adds each skip before one 3x3 convolution. Almost all of its weights sit at low
  resolution, so it has five times the parameters of ``unet3`` at the same CPU cost.
- ``unet3``: the first, smaller network (three stride-2 stages, concatenating decoder), kept so older bundles
  still load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor, nn
from torchvision.models.resnet import BasicBlock
from torchvision.ops import Conv2dNormActivation

__all__ = ("RESUNET_WIDTHS", "STRIDE", "CenterNet", "NetConfig", "NetOutput")

STRIDE = 2
Arch = Literal["unet3", "resunet"]


@dataclass(frozen=True)
class NetConfig:
    """Architecture hyper-parameters (stored in every checkpoint).

    ``widths`` has three entries for ``unet3`` and four (stem, stride 4, 8, 16) for ``resunet``.
    """

    in_channels: int
    num_classes: int = 4
    widths: tuple[int, ...] = (32, 48, 64)
    head_width: int = 32
    arch: Arch = "unet3"


RESUNET_WIDTHS = (24, 48, 96, 160)


@dataclass
class NetOutput:
    """Raw head outputs at stride 2: logits (N, C, h, w), size (N, 2, h, w), heading (N, 2, h, w), offset."""

    heatmap: Tensor
    size: Tensor
    heading: Tensor
    offset: Tensor

    def float(self) -> NetOutput:
        """The outputs in float32 (after a bfloat16 autocast pass, for losses and decoding)."""
        return NetOutput(self.heatmap.float(), self.size.float(), self.heading.float(), self.offset.float())


def _cna(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> Conv2dNormActivation:
    return Conv2dNormActivation(cin, cout, 3, stride=stride, dilation=dilation, activation_layer=nn.ReLU)


def _block(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(_cna(cin, cout, stride, dilation), _cna(cout, cout))


class _Dilated(nn.Module):
    """A residual block whose first convolution is dilated (torchvision's BasicBlock allows no dilation)."""

    def __init__(self, width: int, dilation: int) -> None:
        super().__init__()
        self.conv1 = _cna(width, width, dilation=dilation)
        self.conv2 = Conv2dNormActivation(width, width, 3, activation_layer=None)

    def forward(self, x: Tensor) -> Tensor:
        return nn.functional.relu(x + self.conv2(self.conv1(x)))


def _stage(cin: int, cout: int, blocks: int, dilation: int = 1) -> nn.Sequential:
    down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=2, bias=False), nn.BatchNorm2d(cout))
    layers: list[nn.Module] = [BasicBlock(cin, cout, stride=2, downsample=down)]
    layers += [BasicBlock(cout, cout) if dilation == 1 else _Dilated(cout, dilation) for _ in range(blocks - 1)]
    return nn.Sequential(*layers)


def _up(x: Tensor, like: Tensor) -> Tensor:
    return nn.functional.interpolate(x, size=like.shape[-2:], mode="nearest")


class _Unet3(nn.Module):
    def __init__(self, cfg: NetConfig) -> None:
        super().__init__()
        w1, w2, w3 = cfg.widths
        self.enc1 = _block(cfg.in_channels, w1, stride=2)
        self.enc2 = _block(w1, w2, stride=2)
        self.enc3 = nn.Sequential(_block(w2, w3, stride=2), _block(w3, w3, dilation=2))
        self.dec2 = _cna(w3 + w2, w2)
        self.dec1 = _cna(w2 + w1, cfg.head_width)

    def forward(self, x: Tensor) -> Tensor:
        f1 = self.enc1(x)
        f2 = self.enc2(f1)
        f3 = self.enc3(f2)
        d2 = self.dec2(torch.cat([_up(f3, f2), f2], dim=1))
        out: Tensor = self.dec1(torch.cat([_up(d2, f1), f1], dim=1))
        return out


class _ResUnet(nn.Module):
    def __init__(self, cfg: NetConfig) -> None:
        super().__init__()
        w1, w2, w3, w4 = cfg.widths
        self.stem = nn.Sequential(_cna(cfg.in_channels, w1, stride=2), _cna(w1, w1))
        self.enc2 = _stage(w1, w2, 1)
        self.enc3 = _stage(w2, w3, 2)
        self.enc4 = _stage(w3, w4, 2, dilation=2)
        self.lat3, self.lat2, self.lat1 = nn.Conv2d(w4, w3, 1), nn.Conv2d(w3, w2, 1), nn.Conv2d(w2, w1, 1)
        self.dec3, self.dec2, self.dec1 = _cna(w3, w3), _cna(w2, w2), _cna(w1, cfg.head_width)

    def forward(self, x: Tensor) -> Tensor:
        f1 = self.stem(x)
        f2 = self.enc2(f1)
        f3 = self.enc3(f2)
        f4 = self.enc4(f3)
        d3 = self.dec3(_up(self.lat3(f4), f3) + f3)
        d2 = self.dec2(_up(self.lat2(d3), f2) + f2)
        out: Tensor = self.dec1(_up(self.lat1(d2), f1) + f1)
        return out


class CenterNet(nn.Module):
    """Point detector: stride-2 heatmaps plus size, heading and offset regressions."""

    def __init__(self, cfg: NetConfig) -> None:
        """Build the network.

        Args:
            cfg: Architecture hyper-parameters.
        """
        super().__init__()
        self.cfg = cfg
        self.body: nn.Module = _ResUnet(cfg) if cfg.arch == "resunet" else _Unet3(cfg)
        hw = cfg.head_width
        self.heatmap = nn.Conv2d(hw, cfg.num_classes, 1)
        self.size = nn.Conv2d(hw, 2, 1)
        self.heading = nn.Conv2d(hw, 2, 1)
        self.offset = nn.Conv2d(hw, 2, 1)
        # Focal-loss practice: start the heatmap at a low prior so early training is not swamped by negatives.
        assert self.heatmap.bias is not None
        nn.init.constant_(self.heatmap.bias, -4.0)

    @property
    def multiple(self) -> int:
        """Input sides must be multiples of this."""
        return 16 if self.cfg.arch == "resunet" else 8

    def forward(self, x: Tensor) -> NetOutput:
        """Run the network.

        Args:
            x: (N, C, H, W) normalised input; H and W must be multiples of :attr:`multiple`.

        Returns:
            Head outputs at (H/2, W/2).
        """
        d1 = self.body(x)
        return NetOutput(self.heatmap(d1), self.size(d1), torch.tanh(self.heading(d1)), self.offset(d1))
