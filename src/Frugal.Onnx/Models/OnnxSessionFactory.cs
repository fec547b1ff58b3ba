using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Frugal.Onnx.Models;

/// <summary>Creates ONNX Runtime sessions on CUDA when asked and possible, otherwise on CPU.</summary>
internal sealed class OnnxSessionFactory(OnnxOptions options, ILogger logger)
{
    /// <summary>Gets the provider sessions run on: <c>CUDA</c> or <c>CPU</c>; set by the first session.</summary>
    public string Provider { get; private set; } = "CPU";

    private bool cudaFailed;

    public InferenceSession Create(string modelPath)
    {
        if (options.ExecutionProvider != ExecutionProviderPreference.Cpu && !cudaFailed)
        {
            // Where CUDA is absent, ONNX Runtime prints its failure to load the provider library to stderr before it
            // throws. When CPU is an acceptable fallback (Auto), the fallback below says so through the logger, so the
            // native message is held back meanwhile; when CUDA was asked for, it stays: it names the missing library.
            var environment = OrtEnv.Instance();
            var level = environment.EnvLogLevel;
            if (options.ExecutionProvider == ExecutionProviderPreference.Auto)
            {
                environment.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            }

            try
            {
                using var cuda = CreateOptions();
                cuda.AppendExecutionProvider_CUDA(options.DeviceId);
                var session = new InferenceSession(modelPath, cuda);
                Provider = "CUDA";
                return session;
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                if (options.ExecutionProvider == ExecutionProviderPreference.Cuda)
                {
                    throw new InvalidOperationException(
                        $"Onnx:ExecutionProvider is Cuda but the CUDA execution provider cannot start: {ex.Message}", ex);
                }

                cudaFailed = true;
                Log.CudaUnavailable(logger, ex.Message.Split('\n')[0]);
            }
            finally
            {
                environment.EnvLogLevel = level;
            }
        }

        using var cpu = CreateOptions();
        Provider = "CPU";
        return new InferenceSession(modelPath, cpu);
    }

    private SessionOptions CreateOptions()
    {
        var session = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = 1,
        };
        if (options.IntraOpThreads > 0)
        {
            session.IntraOpNumThreads = options.IntraOpThreads;
        }

        // ONNX Runtime's worker threads spin between batches by default. On a small CPU box that takes the cores the
        // HTTP threads need to queue the next batch, which shows up as a long latency tail; let them sleep instead.
        session.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return session;
    }
}
