using Frugal.Emulator.Chat;

namespace Frugal.Core.Tests.Emulator;

public sealed class ImageDimensionsTests
{
    [Theory]
    // JPEG: SOI, an APP0 segment to skip, then a baseline start of frame (height 300, width 400).
    [InlineData("FFD8FFE000104A46494600010100000100010000FFC0001108012C019003012200021101031101", 400, 300)]
    // GIF89a, 640x480, little-endian.
    [InlineData("4749463839618002E001F70000", 640, 480)]
    // WebP (VP8X): canvas 800x600, stored minus one.
    [InlineData("52494646000000005745425056503858" + "0A000000" + "10000000" + "1F0300" + "570200", 800, 600)]
    public void TryRead_ImageHeader_ReadsItsSize(string hex, int width, int height)
    {
        Assert.True(ImageDimensions.TryRead(Convert.FromHexString(hex), out var w, out var h));
        Assert.Equal((width, height), (w, h));
    }

    [Fact]
    public void TryRead_NotAnImage_False() =>
        Assert.False(ImageDimensions.TryRead("hello, world"u8, out _, out _));
}
