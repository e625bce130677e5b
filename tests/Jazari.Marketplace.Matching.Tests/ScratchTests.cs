using Jazari.Marketplace.Matching;
using Xunit.Abstractions;
namespace Jazari.Marketplace.Matching.Tests;
public class ScratchTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("bghina chi 7el l had lmochkil dyal l7sabat")]
    public void Show(string text)
    {
        var a = TextAnalyzer.Analyze(text, Lexicon.Default);
        foreach (var m in a.Mentions) output.WriteLine($"{m.Concept.Key} <- {m.OwnWords}");
        for (var i = 0; i < a.Words.Count; i++) output.WriteLine($"{a.Words[i].Word} {a.Words[i].Stem} [{string.Join(",", a.Alternatives[i])}]");
    }
}
