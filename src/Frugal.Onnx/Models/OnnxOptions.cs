using System.ComponentModel.DataAnnotations;

namespace Frugal.Onnx.Models;

/// <summary>Where models are found and how ONNX Runtime runs them. Bound from the <c>Onnx</c> section.</summary>
public sealed class OnnxOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Onnx";

    /// <summary>
    /// Gets or sets the folder whose sub-folders each hold a <c>model.json</c>; relative paths are taken from the
    /// application's base directory.
    /// </summary>
    [Required(ErrorMessage = "Onnx:ModelsPath must name a folder")]
    public string ModelsPath { get; set; } = "models";

    /// <summary>Gets extra model folders (each with a <c>model.json</c>) to load besides those under <see cref="ModelsPath"/>.</summary>
    public IList<string> ExtraModels { get; } = [];

    /// <summary>
    /// Gets or sets a learned router folder loaded beside <see cref="ExtraModels"/> (the inference app ships
    /// <c>routers/default</c> here). It was the first entry of <see cref="ExtraModels"/>, so a deployment that listed a
    /// model of its own as <c>Onnx__ExtraModels__0</c> silently lost the router (404 for model <c>default</c>).
    /// </summary>
    public string? Router { get; set; }

    /// <summary>The folders of <see cref="Router"/> and <see cref="ExtraModels"/>.</summary>
    internal IEnumerable<string> ModelFolders => Router is { Length: > 0 } router ? ExtraModels.Prepend(router) : ExtraModels;

    /// <summary>Gets or sets the execution provider.</summary>
    public ExecutionProviderPreference ExecutionProvider { get; set; } = ExecutionProviderPreference.Auto;

    /// <summary>Gets or sets the CUDA device id.</summary>
    [Range(0, 64, ErrorMessage = "Onnx:DeviceId must be between 0 and 64")]
    public int DeviceId { get; set; }

    /// <summary>Gets or sets the threads one inference may use on CPU; 0 lets ONNX Runtime choose (one per core).</summary>
    [Range(0, 1024, ErrorMessage = "Onnx:IntraOpThreads must be between 0 and 1024 (0: ONNX Runtime chooses)")]
    public int IntraOpThreads { get; set; }
}
