namespace Frugal.Emulator.Chat;

/// <summary>
/// Counts an image content part's prompt tokens as OpenAI documents it for vision models
/// (https://platform.openai.com/docs/guides/images-vision#calculating-costs): <c>detail: low</c> costs the base
/// tokens; <c>high</c> and <c>auto</c> the base plus a price per 512x512 tile, after the image is scaled down to fit
/// 2048x2048 and then its shortest side down to 768. gpt-4o and the like: 85 base, 170 a tile; gpt-4o-mini bills
/// images at 2833 and 5667, so that an image costs about the same in money on both.
/// </summary>
internal static class ImageTokens
{
    private const int TileSize = 512;
    private const int MaxSide = 2048;
    private const int ShortSide = 768;

    public static int Count(ImageInput image, string model, EmulatorOptions options)
    {
        var (baseTokens, tileTokens) = model.StartsWith("gpt-4o-mini", StringComparison.OrdinalIgnoreCase) ? (2833, 5667) : (85, 170);
        if (image.Detail == ImageDetail.Low)
        {
            return baseTokens;
        }

        // The emulator cannot fetch a URL: a remote image is taken to be of the configured size.
        double width = image.Width ?? options.RemoteImageWidth;
        double height = image.Height ?? options.RemoteImageHeight;
        var fit = Math.Min(1, MaxSide / Math.Max(width, height));
        (width, height) = (width * fit, height * fit);
        var shorten = Math.Min(1, ShortSide / Math.Min(width, height));
        (width, height) = (width * shorten, height * shorten);
        var tiles = (int)Math.Ceiling(Math.Round(width, 6) / TileSize) * (int)Math.Ceiling(Math.Round(height, 6) / TileSize);
        return baseTokens + tileTokens * tiles;
    }
}

/// <summary>An image content part: its size, read from a <c>data:</c> URL, or null for a remote one; and its detail.</summary>
internal sealed record ImageInput(int? Width, int? Height, ImageDetail Detail);

internal enum ImageDetail
{
    Auto,
    Low,
    High,
}
