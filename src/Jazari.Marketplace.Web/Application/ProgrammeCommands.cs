using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Application;

public sealed class ProgrammeApplicationInput
{
    /// <summary>The SME's self-assessment shown to the deciders; its latest when not named.</summary>
    public string? AssessmentId { get; init; }
    public string? Note { get; init; }
}

public sealed class ProgrammeDecisionInput
{
    public bool? Approve { get; init; }
    public string? Reason { get; init; }
}

public sealed record EligibilityResponse(string Rule, bool Ok, string Detail);

public sealed record ProgrammeApplicationResponse(string Id, string ProgrammeId, string ProgrammeName, string SmeId, string SmeName, string Status,
    IReadOnlyList<EligibilityResponse> Eligibility, string? Note, DateTimeOffset SubmittedAt, DateTimeOffset? DecidedAt, string? Reason,
    AssessmentSummary? Assessment = null)
{
    public static ProgrammeApplicationResponse From(ProgrammeApplication a, string programmeName, AssessmentSummary? assessment = null) => new(a.Id,
        a.ProgrammeId, programmeName, a.SmeId, a.SmeName, a.Status.Name(), [.. a.Eligibility.Select(e => new EligibilityResponse(e.Rule, e.Ok, e.Detail))],
        a.Note, a.SubmittedAt, a.DecidedAt, a.Reason, assessment);
}

public sealed record ProgrammeApplicationLine(string Id, string SmeId, string SmeName, string Status, DateTimeOffset SubmittedAt);

/// <summary>A programme as SMEs see it (no budget figures), with the caller's SME's application if any.</summary>
public sealed record ProgrammeListing(string Id, string Name, int SubsidyPercent, long CapPerSmeMinor, string Currency,
    ProgrammeRulesResponse Rules, bool Open);

public sealed record ProgrammeList(IReadOnlyList<ProgrammeListing> Programmes);

/// <summary>The programmes with their budget and what is committed, for admins.</summary>
public sealed record AdminProgrammeList(IReadOnlyList<ProgrammeResponse> Programmes);

public sealed record ProgrammeDecisionResponse(string Id, string Status);

/// <summary>
/// Co-funding programmes for SMEs and their deciders: the list of programmes, an SME's application (the programme's
/// rules checked at once, one result per rule), the deciders' list, and the decision (admins, or managers of an
/// institute the programme names) e-mailed to the SME with its reason. Only an approved SME's needs may name the
/// programme (<see cref="NeedCommands"/>), and the programme pays only for an approved SME (the programme's grains).
/// </summary>
public sealed class ProgrammeCommands(IGrainFactory grains, AuditTrail audit, Notifier notifier, MaturityCommands maturity)
{
    public static ProgrammeApplicationStatus Status(string name) => Enum.Parse<ProgrammeApplicationStatus>(name, ignoreCase: true);

    public Task<IReadOnlyList<ProgrammeView>> AllAsync() => AllAsync(grains);

    private static async Task<IReadOnlyList<ProgrammeView>> AllAsync(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IProgrammeDirectoryGrain>(IProgrammeDirectoryGrain.Key).ListAsync();
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IProgrammeGrain>(id).GetAsync()));
        return [.. views.OfType<ProgrammeView>().OrderByDescending(p => p.CreatedAt)];
    }

    /// <summary>Every programme, newest first, as anyone signed in sees it.</summary>
    public async Task<ProgrammeList> ListAsync() => new([.. (await AllAsync()).Select(p => new ProgrammeListing(p.Id, p.Terms.Name,
        p.Terms.SubsidyPercent, p.Terms.CapPerSmeMinor, p.Terms.Currency, ProgrammeRulesResponse.From(p.Rules), p.CommittedMinor < p.Terms.BudgetMinor))]);

    /// <summary>Every programme with its budget and what is committed (admins).</summary>
    public async Task<AdminProgrammeList> ListForAdminAsync(Caller caller)
    {
        if (!caller.IsAdmin) throw MarketplaceException.NotFound("Programmes");
        return new([.. (await AllAsync()).Select(ProgrammeResponse.From)]);
    }

    /// <summary>The caller's SME applies; the answer carries each rule's result (an SME that fails one is "ineligible").</summary>
    public async Task<ProgrammeApplicationResponse> ApplyAsync(Caller caller, string programmeId, ProgrammeApplicationInput input)
    {
        var note = Checks.Valid(c =>
        {
            if (input.AssessmentId is not null) c.Id("assessmentId", input.AssessmentId);
            return c.OptionalText("note", input.Note, 2000, multiLine: true);
        });
        if (caller.Role != Roles.Sme) throw MarketplaceException.NotFound("Programme");
        var programme = await ProgrammeAsync(programmeId);
        var smeId = await grains.ProfileOfAsync(caller, "SME");
        var sme = (await grains.GetGrain<ISmeGrain>(smeId).GetAsync(caller)).Details;
        var assessment = input.AssessmentId is { } named
            ? await maturity.SummaryAsync(caller, smeId, named) ?? throw MarketplaceException.Invalid("assessmentId", "No such assessment of your SME.")
            : await maturity.SummaryAsync(caller, smeId, null);
        var application = await grains.GetGrain<IProgrammeSmeGrain>(IProgrammeSmeGrain.KeyOf(programmeId, smeId))
            .ApplyAsync(Ids.New("papp"), caller.AccountId, sme, note, assessment?.Id);
        return ProgrammeApplicationResponse.From(application, programme.Terms.Name,
            application.AssessmentId is { } id ? await maturity.SummaryAsync(caller, smeId, id) : null);
    }

    /// <summary>The SME's applications, one per programme it applied to (that SME only).</summary>
    public async Task<IReadOnlyList<ProgrammeApplicationResponse>> OfSmeAsync(Caller caller, string smeId)
    {
        if (!caller.IsAdmin && (caller.Role != Roles.Sme || await grains.ProfileOfAsync(caller, "SME") != smeId))
            throw MarketplaceException.NotFound("SME");
        return await ApplicationsOfAsync(grains, smeId);
    }

    /// <summary>The SME's applications, one per programme it applied to, unchecked: the callers check who asks (the data export: the SME itself).</summary>
    public static async Task<IReadOnlyList<ProgrammeApplicationResponse>> ApplicationsOfAsync(IGrainFactory grains, string smeId)
    {
        var all = await AllAsync(grains);
        var applications = await Task.WhenAll(all.Select(p => grains.GetGrain<IProgrammeSmeGrain>(IProgrammeSmeGrain.KeyOf(p.Id, smeId)).GetApplicationAsync()));
        return [.. all.Zip(applications).Where(x => x.Second is not null).Select(x => ProgrammeApplicationResponse.From(x.Second!, x.First.Terms.Name))];
    }

    /// <summary>The caller's own SME's applications (none before it has a profile).</summary>
    public async Task<IReadOnlyList<ProgrammeApplicationResponse>> MineAsync(Caller caller)
    {
        if (caller.Role != Roles.Sme) return [];
        var smeId = (await grains.GetGrain<Grains.Accounts.IAccountGrain>(caller.AccountId).GetAsync())?.ProfileId;
        return smeId is null ? [] : await OfSmeAsync(caller, smeId);
    }

    public const int ApplicationsListed = 200;

    /// <summary>A programme's newest <see cref="ApplicationsListed"/> applications (admins, the managers of its institutes).</summary>
    public async Task<IReadOnlyList<ProgrammeApplicationLine>> ApplicationsAsync(Caller caller, string programmeId)
    {
        var entries = (await grains.GetGrain<IProgrammeApplicationsGrain>(programmeId).ListAsync(caller)).Take(ApplicationsListed).ToList();
        var applications = await Task.WhenAll(entries.Select(e =>
            grains.GetGrain<IProgrammeSmeGrain>(IProgrammeSmeGrain.KeyOf(programmeId, e.SmeId)).GetApplicationAsync()));
        return [.. entries.Zip(applications).Select(x =>
            new ProgrammeApplicationLine(x.First.Id, x.First.SmeId, x.Second?.SmeName ?? "", x.First.Status.Name(), x.First.SubmittedAt))];
    }

    /// <summary>One application in full, with its rule results (the programme's deciders), its assessment's dimensions named in
    /// <paramref name="language"/> (a page's) or else the caller's.</summary>
    public async Task<ProgrammeApplicationResponse> ApplicationAsync(Caller caller, string programmeId, string applicationId, string? language = null)
    {
        var programme = await ProgrammeAsync(programmeId);
        if (!await grains.GetGrain<IProgrammeGrain>(programmeId).MayDecideAsync(caller)) throw MarketplaceException.NotFound("Application");
        var smeId = await grains.GetGrain<IProgrammeApplicationsGrain>(programmeId).SmeOfAsync(applicationId) ?? throw MarketplaceException.NotFound("Application");
        var a = await grains.GetGrain<IProgrammeSmeGrain>(IProgrammeSmeGrain.KeyOf(programmeId, smeId)).GetApplicationAsync();
        if (a is null || a.Id != applicationId) throw MarketplaceException.NotFound("Application");
        return ProgrammeApplicationResponse.From(a, programme.Terms.Name, a.AssessmentId is { } id ? await maturity.SummaryAsync(caller, smeId, id, language) : null);
    }

    /// <summary>Approves or declines with a reason; the SME's owner is e-mailed once and the decision is audited once.</summary>
    public async Task<ProgrammeDecisionResponse> DecideAsync(Caller caller, string programmeId, string applicationId, ProgrammeDecisionInput input)
    {
        var (approve, reason) = Checks.Valid(c =>
        {
            if (input.Approve is null) c.Error("approve", "Required.");
            return (input.Approve ?? false, c.Text("reason", input.Reason, 1000, multiLine: true));
        });
        var programme = await ProgrammeAsync(programmeId);
        var smeId = await grains.GetGrain<IProgrammeApplicationsGrain>(programmeId).SmeOfAsync(applicationId) ?? throw MarketplaceException.NotFound("Application");
        var (application, _) = await grains.GetGrain<IProgrammeSmeGrain>(IProgrammeSmeGrain.KeyOf(programmeId, smeId))
            .DecideAsync(caller, applicationId, approve, reason);
        // Named by the application and written with the decision's time: a request repeated after a failure half-way writes it then.
        await audit.RecordOnceAsync(caller, $"aud-decided-{applicationId}", application.DecidedAt ?? application.SubmittedAt, AuditActions.ProgrammeApplicationDecided,
            applicationId, $"{application.Status.Name()}: SME {smeId} in programme {programmeId}");
        // Keyed by the application and its decision: a repeated request (after a failure half-way) e-mails once.
        await notifier.NotifyAsync(application.ApplicantAccountId,
            approve ? NotificationKinds.ProgrammeApplicationApproved : NotificationKinds.ProgrammeApplicationDeclined,
            $"programme-application:{applicationId}:{application.Status.Name()}", new Dictionary<string, string>
            {
                ["sme"] = application.SmeName, ["programme"] = programme.Terms.Name, ["percent"] = programme.Terms.SubsidyPercent.ToString(),
                ["reason"] = application.Reason ?? "", ["link"] = notifier.Link("/sme/programmes"),
            });
        return new ProgrammeDecisionResponse(application.Id, application.Status.Name());
    }

    private async Task<ProgrammeView> ProgrammeAsync(string programmeId) =>
        (Ids.IsValid(programmeId) ? await grains.GetGrain<IProgrammeGrain>(programmeId).GetAsync() : null) ?? throw MarketplaceException.NotFound("Programme");
}
