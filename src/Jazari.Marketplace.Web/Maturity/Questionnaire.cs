using System.Text.Json;
using System.Text.Json.Serialization;
using Jazari.Marketplace.Grains;

namespace Jazari.Marketplace.Web.Maturity;

/// <summary>Words in each language of the marketplace.</summary>
public sealed class Words : Dictionary<string, string>
{
    public string In(string language) => TryGetValue(language, out var w) ? w : this["fr"];
}

/// <summary>Skills in each language of the marketplace; a plain list (files written before) is the French one, used for all.</summary>
[JsonConverter(typeof(SkillWordsConverter))]
public sealed class SkillWords : Dictionary<string, IReadOnlyList<string>>
{
    public IReadOnlyList<string> In(string language) => TryGetValue(language, out var w) ? w : this["fr"];
}

internal sealed class SkillWordsConverter : JsonConverter<SkillWords>
{
    public override SkillWords Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var words = new SkillWords();
        if (reader.TokenType == JsonTokenType.StartArray)
            words["fr"] = JsonSerializer.Deserialize<List<string>>(ref reader, options) ?? [];
        else
            foreach (var (language, list) in JsonSerializer.Deserialize<Dictionary<string, List<string>>>(ref reader, options) ?? []) words[language] = list;
        return words;
    }

    public override void Write(Utf8JsonWriter writer, SkillWords value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, (Dictionary<string, IReadOnlyList<string>>)value, options);
}

public sealed record QuestionOption(int Value, double Score, Words Label);

public sealed record Question(string Id, string Scale, Words Text);

/// <summary>The need the plan recommends when a dimension is weak, with the budget used when too few needs of its
/// category were awarded to measure one.</summary>
public sealed record DimensionRecommendation(string Category, SkillWords Skills, Words Title, Words Why, Words Description,
    decimal DefaultBudgetMinMad, decimal DefaultBudgetMaxMad);

public sealed record Dimension(string Id, Words Name, IReadOnlyList<Question> Questions, DimensionRecommendation Recommendation);

/// <summary>
/// The self-assessment: its dimensions, their questions, each answer's score (0 to 5) and the need recommended when a
/// dimension is weak. Read from a JSON file an admin may replace (<see cref="QuestionnaireSource"/>); <see cref="Parse"/>
/// refuses a file that would score wrongly, naming what is wrong.
/// </summary>
public sealed class Questionnaire
{
    public required string Version { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlyList<QuestionOption>> Scales { get; init; }
    public required IReadOnlyList<Dimension> Dimensions { get; init; }

    public IEnumerable<Question> Questions => Dimensions.SelectMany(d => d.Questions);
    public IReadOnlyList<QuestionOption> Options(Question q) => Scales[q.Scale];
    public Dimension? DimensionOf(string id) => Dimensions.FirstOrDefault(d => d.Id == id);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = JsonCommentHandling.Skip,
    };

    private sealed record File(string? Version, Dictionary<string, List<QuestionOption>>? Scales, List<Dimension>? Dimensions);

    /// <summary>The questionnaire in <paramref name="json"/>; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static Questionnaire Parse(string json)
    {
        File? file;
        try { file = JsonSerializer.Deserialize<File>(json, Json); }
        catch (JsonException e) { throw new InvalidDataException($"The questionnaire is not valid JSON of the expected shape: {e.Message}"); }
        if (file is null) throw new InvalidDataException("The questionnaire is empty.");
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(file.Version)) problems.Add("no version");
        var scales = file.Scales ?? [];
        foreach (var (name, options) in scales)
        {
            if (options is not { Count: >= 2 }) problems.Add($"scale '{name}' has fewer than two options");
            else
            {
                if (options.Select(o => o.Value).Distinct().Count() != options.Count) problems.Add($"scale '{name}' repeats a value");
                if (options.Any(o => o.Score is < 0 or > 5)) problems.Add($"scale '{name}' has a score outside 0 to 5");
                if (options.Any(o => !AllLanguages(o.Label))) problems.Add($"scale '{name}' lacks a label in ar, fr or en");
            }
        }
        var dimensions = file.Dimensions ?? [];
        if (dimensions.Count == 0) problems.Add("no dimensions");
        var questionIds = new HashSet<string>();
        foreach (var d in dimensions)
        {
            if (!Ids.IsValid(d.Id)) problems.Add($"dimension id '{d.Id}' is not an id");
            if (!AllLanguages(d.Name)) problems.Add($"dimension '{d.Id}' lacks a name in ar, fr or en");
            if (d.Questions is not { Count: > 0 }) problems.Add($"dimension '{d.Id}' has no questions");
            foreach (var q in d.Questions ?? [])
            {
                if (!Ids.IsValid(q.Id) || !questionIds.Add(q.Id)) problems.Add($"question id '{q.Id}' is not an id or is repeated");
                if (q.Scale is null || !scales.ContainsKey(q.Scale)) problems.Add($"question '{q.Id}' names an unknown scale '{q.Scale}'");
                if (!AllLanguages(q.Text)) problems.Add($"question '{q.Id}' lacks its text in ar, fr or en");
            }
            var r = d.Recommendation;
            if (r is null) { problems.Add($"dimension '{d.Id}' has no recommendation"); continue; }
            if (!Reference.IsCategory(r.Category)) problems.Add($"dimension '{d.Id}' recommends an unknown category '{r.Category}'");
            if (r.Skills is null || !r.Skills.ContainsKey("fr") || r.Skills.Values.Any(l => l.Count == 0 || l.Any(string.IsNullOrWhiteSpace)))
                problems.Add($"dimension '{d.Id}' lacks the recommendation's skills (a list, or one per language with French)");
            if (!AllLanguages(r.Title) || !AllLanguages(r.Why) || !AllLanguages(r.Description))
                problems.Add($"dimension '{d.Id}' lacks the recommendation's title, why or description in ar, fr or en");
            if (r.Description is not null && r.Description.Values.Any(t => t.Length < 20)) problems.Add($"dimension '{d.Id}': a description is under 20 characters");
            if (r.DefaultBudgetMinMad < 1 || r.DefaultBudgetMaxMad < r.DefaultBudgetMinMad) problems.Add($"dimension '{d.Id}' has a wrong default budget");
        }
        if (dimensions.Select(d => d.Id).Distinct().Count() != dimensions.Count) problems.Add("a dimension id is repeated");
        if (problems.Count > 0) throw new InvalidDataException("The questionnaire was refused: " + string.Join("; ", problems) + ".");
        return new Questionnaire
        {
            Version = file.Version!, Dimensions = dimensions,
            Scales = scales.ToDictionary(s => s.Key, s => (IReadOnlyList<QuestionOption>)s.Value),
        };
    }

    private static bool AllLanguages(Words? words) => words is not null && Reference.Languages.All(l => words.TryGetValue(l, out var w) && !string.IsNullOrWhiteSpace(w));
}

/// <summary>
/// The questionnaire in use: the file at <c>Maturity:QuestionnairePath</c> when set (re-read when it changes), else the
/// one shipped in the build. A replaced file that is refused is logged with its reason and the previous one stays.
/// </summary>
public sealed class QuestionnaireSource(IConfiguration config, ILogger<QuestionnaireSource> log)
{
    private readonly Lock gate = new();
    private Questionnaire? current;
    private DateTime loadedWrite;

    public string? Path => config["Maturity:QuestionnairePath"] is { Length: > 0 } p ? p : null;

    public Questionnaire Current
    {
        get
        {
            lock (gate)
            {
                current ??= Shipped();
                if (Path is { } path && System.IO.File.Exists(path) && System.IO.File.GetLastWriteTimeUtc(path) is var written && written != loadedWrite)
                {
                    loadedWrite = written;
                    try
                    {
                        current = Questionnaire.Parse(System.IO.File.ReadAllText(path));
                        log.LogInformation("Questionnaire {Version} loaded from {Path}", current.Version, path);
                    }
                    catch (Exception e) when (e is InvalidDataException or IOException)
                    {
                        log.LogError("The questionnaire at {Path} was refused, version {Version} stays in use: {Reason}", path, current.Version, e.Message);
                    }
                }
                return current;
            }
        }
    }

    public static Questionnaire Shipped()
    {
        using var stream = typeof(QuestionnaireSource).Assembly.GetManifestResourceStream("Jazari.Marketplace.Web.Maturity.questionnaire.json")
            ?? throw new InvalidOperationException("The shipped questionnaire is missing from the build.");
        return Questionnaire.Parse(new StreamReader(stream).ReadToEnd());
    }
}
