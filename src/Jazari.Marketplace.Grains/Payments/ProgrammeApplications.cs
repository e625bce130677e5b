using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Grains.Payments;

/// <summary>Who may draw on a programme: the SME's region, sector and size band (each empty or null: no rule), and the
/// institutes whose managers decide its applications (with admins).</summary>
[GenerateSerializer, Alias("jazari.programme-rules")]
public sealed record ProgrammeRules(
    [property: Id(0)] IReadOnlyList<string> Regions,
    [property: Id(1)] IReadOnlyList<string> Sectors,
    [property: Id(2)] int? MinEmployees,
    [property: Id(3)] int? MaxEmployees,
    [property: Id(4)] IReadOnlyList<string> InstituteIds)
{
    public static ProgrammeRules None { get; } = new([], [], null, null, []);

    public bool Same(ProgrammeRules other) => Regions.SequenceEqual(other.Regions) && Sectors.SequenceEqual(other.Sectors)
        && MinEmployees == other.MinEmployees && MaxEmployees == other.MaxEmployees && InstituteIds.SequenceEqual(other.InstituteIds);
}

public enum ProgrammeApplicationStatus { Submitted, Ineligible, Approved, Declined }

/// <summary>One rule checked for one SME: <see cref="Rule"/> is region, sector, size, cap or budget.</summary>
[GenerateSerializer, Alias("jazari.eligibility-check")]
public sealed record EligibilityCheck(
    [property: Id(0)] string Rule,
    [property: Id(1)] bool Ok,
    [property: Id(2)] string Detail);

/// <summary>An SME's application to a programme, as its SME, the programme's deciders and the notifier see it.</summary>
[GenerateSerializer, Alias("jazari.programme-application")]
public sealed record ProgrammeApplication(
    [property: Id(0)] string Id,
    [property: Id(1)] string ProgrammeId,
    [property: Id(2)] string SmeId,
    [property: Id(3)] string SmeName,
    [property: Id(4)] string ApplicantAccountId,
    [property: Id(5)] string? Note,
    [property: Id(6)] ProgrammeApplicationStatus Status,
    [property: Id(7)] IReadOnlyList<EligibilityCheck> Eligibility,
    [property: Id(8)] DateTimeOffset SubmittedAt,
    [property: Id(9)] DateTimeOffset? DecidedAt,
    [property: Id(10)] string? DecidedBy,
    [property: Id(11)] string? Reason,
    [property: Id(12)] string? AssessmentId = null);

public static class Eligibility
{
    public const string Region = "region", Sector = "sector", Size = "size", Cap = "cap", Budget = "budget";

    /// <summary>Each rule of the programme checked against the SME, with what was compared; the SME's cap and the
    /// programme's budget must have something left.</summary>
    public static IReadOnlyList<EligibilityCheck> Check(ProgrammeView programme, SmeDetails sme, long usedBySmeMinor)
    {
        var r = programme.Rules;
        var t = programme.Terms;
        var checks = new List<EligibilityCheck>();
        if (r.Regions.Count > 0)
            checks.Add(new(Region, r.Regions.Contains(sme.Region), $"{sme.Region}; the programme takes {string.Join(", ", r.Regions)}."));
        if (r.Sectors.Count > 0)
            checks.Add(new(Sector, r.Sectors.Any(s => SectorKey(s) == SectorKey(sme.Sector)),
                $"{sme.Sector}; the programme takes {string.Join(", ", r.Sectors)}."));
        if (r.MinEmployees is not null || r.MaxEmployees is not null)
            checks.Add(new(Size, sme.Employees >= (r.MinEmployees ?? 0) && sme.Employees <= (r.MaxEmployees ?? int.MaxValue),
                $"{sme.Employees} employees; the programme takes {r.MinEmployees ?? 0} to {(r.MaxEmployees is { } max ? max.ToString() : "any number")}."));
        checks.Add(new(Cap, usedBySmeMinor < t.CapPerSmeMinor,
            $"{usedBySmeMinor} of the {t.CapPerSmeMinor} {t.Currency} (minor units) an SME may receive is used."));
        checks.Add(new(Budget, programme.CommittedMinor < t.BudgetMinor,
            $"{t.BudgetMinor - programme.CommittedMinor} of {t.BudgetMinor} {t.Currency} (minor units) is left."));
        return checks;
    }

    /// <summary>A sector as compared: case, accents, Arabic letter variants and diacritics folded, the Arabic article
    /// dropped, spaces and punctuation ignored ("Agro-alimentaire" = "agroalimentaire", "الصناعة الغذائية" = "صناعة غذائية").</summary>
    public static string SectorKey(string sector)
    {
        var words = new string([.. Matching.TextNormalizer.Normalize(sector).Select(c => char.IsLetterOrDigit(c) ? c : ' ')])
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Concat(words.Select(w => w.Length > 3 && w.StartsWith("ال", StringComparison.Ordinal) ? w[2..] : w));
    }
}

/// <summary>The list of all programmes (for SMEs to apply, for admins).</summary>
public interface IProgrammeDirectoryGrain : IGrainWithStringKey
{
    const string Key = "jazari";
    Task AddAsync(string programmeId);
    Task<IReadOnlyList<string>> ListAsync();
}

[GenerateSerializer, Alias("jazari.programme-directory-state")]
public sealed class ProgrammeDirectoryState
{
    [Id(0)] public List<string> ProgrammeIds { get; set; } = [];
}

internal sealed class ProgrammeDirectoryGrain(
    [PersistentState("programme-directory", "marketplace")] IPersistentState<ProgrammeDirectoryState> state) : Grain, IProgrammeDirectoryGrain
{
    public const int MaxProgrammes = 200;

    public async Task AddAsync(string programmeId)
    {
        if (state.State.ProgrammeIds.Contains(programmeId)) return;
        if (state.State.ProgrammeIds.Count >= MaxProgrammes) throw MarketplaceException.Conflict($"At most {MaxProgrammes} programmes.");
        state.State.ProgrammeIds.Add(programmeId);
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.ProgrammeIds]);
}

/// <summary>One line of a programme's list of applications (the application itself lives with its SME's use of the programme).</summary>
[GenerateSerializer, Alias("jazari.programme-application-entry")]
public sealed record ProgrammeApplicationEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string SmeId,
    [property: Id(2)] ProgrammeApplicationStatus Status,
    [property: Id(3)] DateTimeOffset SubmittedAt);

/// <summary>A programme's applications, one line per SME (its latest), for the deciders (key: the programme id). Kept
/// by the SME's <see cref="IProgrammeSmeGrain"/> after each change of its application.</summary>
public interface IProgrammeApplicationsGrain : IGrainWithStringKey
{
    Task PutAsync(ProgrammeApplicationEntry entry);
    /// <summary>The applications, newest first, for admins and the managers of the programme's institutes (404 for others).</summary>
    Task<IReadOnlyList<ProgrammeApplicationEntry>> ListAsync(Caller caller);
    /// <summary>The SME an application id belongs to, or null.</summary>
    Task<string?> SmeOfAsync(string applicationId);
}

[GenerateSerializer, Alias("jazari.programme-applications-state")]
public sealed class ProgrammeApplicationsState
{
    [Id(0)] public List<ProgrammeApplicationEntry> Entries { get; set; } = [];
}

internal sealed class ProgrammeApplicationsGrain(
    [PersistentState("programme-applications", "marketplace")] IPersistentState<ProgrammeApplicationsState> state,
    IGrainFactory grains) : Grain, IProgrammeApplicationsGrain
{
    /// <summary>About 90 bytes a line (no names: they live with each application): the list stays far under the state bound.</summary>
    public const int MaxApplications = 2000;

    public async Task PutAsync(ProgrammeApplicationEntry entry)
    {
        var entries = state.State.Entries;
        var i = entries.FindIndex(e => e.SmeId == entry.SmeId);
        if (i >= 0 && entries[i] == entry) return;
        if (i < 0 && entries.Count >= MaxApplications)
            throw MarketplaceException.Conflict($"This programme takes at most {MaxApplications} applications.");
        if (i >= 0) entries[i] = entry; else entries.Add(entry);
        await state.SaveAsync();
    }

    public async Task<IReadOnlyList<ProgrammeApplicationEntry>> ListAsync(Caller caller)
    {
        if (!await grains.GetGrain<IProgrammeGrain>(this.GetPrimaryKeyString()).MayDecideAsync(caller))
            throw MarketplaceException.NotFound("Programme");
        return [.. state.State.Entries.OrderByDescending(e => e.SubmittedAt)];
    }

    public Task<string?> SmeOfAsync(string applicationId) =>
        Task.FromResult(state.State.Entries.Find(e => e.Id == applicationId)?.SmeId);
}

public static class ProgrammeApplicationStatusNames
{
    public static string Name(this ProgrammeApplicationStatus status) => status.ToString().ToLowerInvariant();
}
