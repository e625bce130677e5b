using Jazari.Marketplace.Matching;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Ar;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// A general search engine on the same catalogue, for comparison: Lucene.NET with BM25, each startup's
/// text (name, categories, skills, description) indexed three times, through its Arabic, French and
/// English analyzers; a need's text (title, category, skills, description) is searched in the three
/// fields at once (one SHOULD clause per analysed word). No lexicon, no hard constraints, no other factor.
/// </summary>
public sealed class LuceneCatalogue : IDisposable
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private static readonly string[] Fields = ["ar", "fr", "en"];

    private readonly RAMDirectory directory = new();
    private readonly Analyzer analyzer = new PerFieldAnalyzerWrapper(new StandardAnalyzer(Version), new Dictionary<string, Analyzer>
    {
        ["ar"] = new ArabicAnalyzer(Version),
        ["fr"] = new FrenchAnalyzer(Version),
        ["en"] = new EnglishAnalyzer(Version),
    });
    private readonly DirectoryReader reader;
    private readonly IndexSearcher searcher;

    public LuceneCatalogue(IEnumerable<StartupProfile> startups)
    {
        var config = new IndexWriterConfig(Version, analyzer) { Similarity = new BM25Similarity(), OpenMode = OpenMode.CREATE };
        using (var writer = new IndexWriter(directory, config))
        {
            foreach (var startup in startups)
            {
                var text = string.Join(' ', [startup.Name, .. startup.Categories, .. startup.Skills, startup.Description]);
                var document = new Document { new StringField("id", startup.Id, Field.Store.YES) };
                foreach (var field in Fields)
                {
                    document.Add(new TextField(field, text, Field.Store.NO));
                }
                writer.AddDocument(document);
            }
            writer.Commit();
        }
        reader = DirectoryReader.Open(directory);
        searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
    }

    public List<string> Top(NeedProfile need, int top)
    {
        var text = string.Join(' ', [need.Title, need.Category, .. need.Skills, need.Description]);
        var query = new BooleanQuery();
        foreach (var field in Fields)
        {
            using var stream = analyzer.GetTokenStream(field, new StringReader(text));
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            while (stream.IncrementToken() && query.Clauses.Count < BooleanQuery.MaxClauseCount)
            {
                query.Add(new TermQuery(new Term(field, term.ToString())), Occur.SHOULD);
            }
            stream.End();
        }
        return searcher.Search(query, top).ScoreDocs.Select(hit => searcher.Doc(hit.Doc).Get("id")).ToList();
    }

    public void Dispose()
    {
        reader.Dispose();
        analyzer.Dispose();
        directory.Dispose();
    }
}
