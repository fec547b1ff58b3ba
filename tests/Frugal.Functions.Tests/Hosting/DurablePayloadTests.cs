using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Functions.Hosting;
using Frugal.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Frugal.Functions.Tests.Hosting;

/// <summary>The Functions app writes Durable payloads (step requests and results) as the local host does.</summary>
public sealed class DurablePayloadTests(ITestOutputHelper output)
{
    [Fact]
    public void WorkerSerializer_StepMessages_WrittenAsTheLocalHostWritesThem()
    {
        // The Durable extension serialises with WorkerOptions.Serializer; the worker's default wrote PascalCase names,
        // every null and zero, and each letter outside ASCII as \uXXXX.
        var shipped = Serializer(withFrugalDefaults: true);
        var workerDefault = Serializer(withFrugalDefaults: false);
        var request = new StepRequest("support-triage", "3f2a9c", "contoso", "answer", 1,
            [new ModelCall(ModelTier.Cheap, "お客様の注文番号 12345 が届いていません。配送状況を教えてください。", "Answer as a support agent.", MaxOutputTokens: 300)]);
        var response = new StepResponse([new CallResult(JsonValue.Create("ご不便をおかけして申し訳ありません。注文 12345 は本日発送されました。"), "cheap", "gpt-4o-mini", 52, 31, 812.5, "azure-openai")]);

        foreach (var message in new object[] { request, response })
        {
            var frugal = FrugalDataConverter.Instance.Serialize(message)!;
            var written = shipped.Serialize(message, message.GetType()).ToString();
            var before = workerDefault.Serialize(message, message.GetType()).ToString();
            output.WriteLine($"{message.GetType().Name}: {System.Text.Encoding.UTF8.GetByteCount(written)} bytes, {System.Text.Encoding.UTF8.GetByteCount(before)} with the worker's default serializer");

            Assert.Equal(frugal, written);
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(written) < System.Text.Encoding.UTF8.GetByteCount(before));

            // Runs in flight when an app is updated carry messages in the old form: they read the same.
            var read = shipped.Deserialize(BinaryData.FromString(before).ToStream(), message.GetType(), default);
            Assert.Equal(frugal, FrugalDataConverter.Instance.Serialize(read));
        }
    }

    private static Azure.Core.Serialization.ObjectSerializer Serializer(bool withFrugalDefaults)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        if (withFrugalDefaults)
        {
            builder.AddFunctionsHostDefaults();
        }

        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<WorkerOptions>>().Value.Serializer!;
    }
}
