using System.Buffers.Binary;

namespace Frugal.Emulator.Chat;

/// <summary>
/// Reads an image's width and height from its header, for the formats OpenAI takes in a chat message (PNG, JPEG,
/// GIF, WebP): all the emulator needs of an image to count its tokens.
/// </summary>
internal static class ImageDimensions
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool TryRead(ReadOnlySpan<byte> image, out int width, out int height)
    {
        (width, height) = (0, 0);
        if (image.Length >= 24 && image[..8].SequenceEqual(PngSignature) && image[12..16].SequenceEqual("IHDR"u8))
        {
            (width, height) = ((int)BinaryPrimitives.ReadUInt32BigEndian(image[16..]), (int)BinaryPrimitives.ReadUInt32BigEndian(image[20..]));
        }
        else if (image.Length >= 10 && (image[..6].SequenceEqual("GIF87a"u8) || image[..6].SequenceEqual("GIF89a"u8)))
        {
            (width, height) = (BinaryPrimitives.ReadUInt16LittleEndian(image[6..]), BinaryPrimitives.ReadUInt16LittleEndian(image[8..]));
        }
        else if (image.Length >= 30 && image[..4].SequenceEqual("RIFF"u8) && image[8..12].SequenceEqual("WEBP"u8))
        {
            (width, height) = ReadWebP(image);
        }
        else if (image.Length >= 4 && image[0] == 0xFF && image[1] == 0xD8)
        {
            (width, height) = ReadJpeg(image);
        }

        return width > 0 && height > 0;
    }

    private static (int Width, int Height) ReadWebP(ReadOnlySpan<byte> image)
    {
        var chunk = image[12..16];
        if (chunk.SequenceEqual("VP8X"u8))
        {
            return (1 + ReadUInt24(image[24..]), 1 + ReadUInt24(image[27..]));
        }

        if (chunk.SequenceEqual("VP8L"u8) && image[20] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(image[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8 "u8) && image[23] == 0x9D && image[24] == 0x01 && image[25] == 0x2A)
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(image[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(image[28..]) & 0x3FFF);
        }

        return (0, 0);

        static int ReadUInt24(ReadOnlySpan<byte> b) => b[0] | (b[1] << 8) | (b[2] << 16);
    }

    /// <summary>Walks the JPEG segments to the first start-of-frame marker, which holds the size.</summary>
    private static (int Width, int Height) ReadJpeg(ReadOnlySpan<byte> image)
    {
        var at = 2;
        while (at + 9 < image.Length)
        {
            if (image[at] != 0xFF)
            {
                return (0, 0);
            }

            var marker = image[at + 1];
            if (marker == 0xFF)
            {
                at++;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(image[(at + 2)..]);
            var isFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isFrame)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(image[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(image[(at + 5)..]));
            }

            at += 2 + length;
        }

        return (0, 0);
    }
}
