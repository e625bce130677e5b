using Azure;
using Azure.Data.Tables;
using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Extensions;

namespace Jazari.Marketplace.Web.Audit;

/// <summary>The sensitive actions the audit trail records.</summary>
public static class AuditActions
{
    /// <summary>A sign-in code was verified and a token issued.</summary>
    public const string SignIn = "sign-in";
    /// <summary>A token was revoked by signing out.</summary>
    public const string SignOut = "sign-out";
    public const string ProfileCreated = "profile-created";
    public const string ProfileUpdated = "profile-updated";
    /// <summary>An account signed up with an imported profile's contact address took the profile over.</summary>
    public const string ProfileClaimed = "profile-claimed";
    public const string BidAccepted = "bid-accepted";
    public const string AccountCreated = "account-created";
    public const string CatalogueImported = "catalogue-imported";
    public const string ReviewHidden = "review-hidden";
    public const string InstituteCreated = "institute-created";
    /// <summary>An admin took a signed link to the jobs dashboard.</summary>
    public const string JobsDashboardLink = "jobs-dashboard-link";
    /// <summary>An admin read a reported conversation (each page read).</summary>
    public const string ConversationRead = "conversation-read";
    /// <summary>An admin closed the reports of a conversation.</summary>
    public const string ConversationReportsHandled = "conversation-reports-handled";
    /// <summary>A person downloaded their data (<c>GET /api/me/export</c>).</summary>
    public const string DataExported = "data-exported";
    /// <summary>An account's personal data was erased, by the person or by an admin.</summary>
    public const string AccountErased = "account-erased";
    /// <summary>An admin confirmed a bank transfer received for a milestone.</summary>
    public const string PaymentConfirmed = "payment-confirmed";
    /// <summary>An admin marked a payout order paid by the bank.</summary>
    public const string PayoutPaid = "payout-paid";
    /// <summary>A startup or SME set or changed the bank account (RIB) its payouts go to.</summary>
    public const string PayoutDetailsChanged = "payout-details-changed";
    /// <summary>A startup or SME reported the bank account recorded as not theirs: it was forgotten and every session signed out.</summary>
    public const string PayoutDetailsReported = "payout-details-reported";
    /// <summary>An admin released or declined a payout held for review (RIB just changed, related parties), with the reason.</summary>
    public const string PayoutReviewed = "payout-reviewed";
    /// <summary>An admin withdrew a bank file the bank did not execute (its payouts go in the next file), with the reason.</summary>
    public const string PayoutFileWithdrawn = "payout-file-withdrawn";
    /// <summary>An admin uploaded a bank statement: its matched credits confirmed their milestones.</summary>
    public const string BankStatementReconciled = "bank-statement-reconciled";
    /// <summary>An admin saved how to read a bank's CSV export.</summary>
    public const string BankMappingSaved = "bank-mapping-saved";
    public const string DisputeOpened = "dispute-opened";
    public const string DisputeResolved = "dispute-resolved";
    /// <summary>An SME accepted the institutes its dispute proposed as mediators (their managers may then resolve it).</summary>
    public const string DisputeMediatorsAccepted = "dispute-mediators-accepted";
    public const string ProgrammeCreated = "programme-created";
    /// <summary>An admin or a programme's manager approved or declined an SME's application to a co-funding programme.</summary>
    public const string ProgrammeApplicationDecided = "programme-application-decided";
    /// <summary>A manager invited a startup into a cohort; it is a member only once it accepts.</summary>
    public const string CohortInvitationSent = "cohort-invitation-sent";
    /// <summary>A startup accepted or declined a cohort's invitation (accepting opens its progress to the cohort's managers).</summary>
    public const string CohortInvitationAnswered = "cohort-invitation-answered";
    /// <summary>A startup left a cohort (its managers and mentors there no longer read its progress).</summary>
    public const string CohortLeft = "cohort-left";
    /// <summary>A manager invited an e-mail address to score a cohort's applications.</summary>
    public const string EvaluatorInvited = "evaluator-invited";
    /// <summary>A mentor or a manager accepted or declined scoring a cohort's applications.</summary>
    public const string EvaluatorInvitationAnswered = "evaluator-invitation-answered";

    /// <summary>An SME took its digital maturity self-assessment.</summary>
    public const string AssessmentTaken = "assessment-taken";
    /// <summary>An admin invited an SME to take its self-assessment again.</summary>
    public const string ReassessmentInvited = "reassessment-invited";
    /// <summary>A manager or an admin assigned a mentor to give an SME an expert opinion (checked untied to the startups).</summary>
    public const string ExpertReviewAssigned = "expert-review-assigned";

    public static readonly IReadOnlyList<string> All =
        [SignIn, SignOut, ProfileCreated, ProfileUpdated, ProfileClaimed, BidAccepted, AccountCreated, CatalogueImported, ReviewHidden, InstituteCreated, JobsDashboardLink,
         ConversationRead, ConversationReportsHandled, DataExported, AccountErased, PayoutDetailsChanged, PayoutDetailsReported, PayoutReviewed, PayoutFileWithdrawn,
         PaymentConfirmed, PayoutPaid, DisputeOpened, DisputeResolved, DisputeMediatorsAccepted, ProgrammeCreated,
         CohortInvitationSent, CohortInvitationAnswered, CohortLeft, EvaluatorInvited, EvaluatorInvitationAnswered, ProgrammeApplicationDecided, BankStatementReconciled, BankMappingSaved,
         AssessmentTaken, ReassessmentInvited, ExpertReviewAssigned];
}

/// <summary>One sensitive action: who (account and role), what (action, object, detail), when, from where (client address).</summary>
public sealed record AuditEntry(string Id, DateTimeOffset At, string ActorId, string ActorRole, string Action, string? Target, string? Detail, string? Ip);

public sealed record AuditPage(int Page, int PageSize, bool HasMore, IReadOnlyList<AuditEntry> Entries);

/// <summary>A page of the trail with the days it covers (the defaults filled in).</summary>
public sealed record AuditReading(DateOnly From, DateOnly To, AuditPage Page);

/// <summary>
/// The append-only audit trail, in the Azure Table <see cref="Table"/> (Azurite locally): one partition per
/// UTC day, rows keyed by inverted ticks and the entry id, so a day reads newest first and an entry written
/// twice (a retry) is stored once. Not in grains: the trail only grows, is read by time range, and has no
/// single owner whose grain could hold it; a table keeps every write independent and every state bounded.
/// <para>
/// Losing an entry of a security action is not acceptable, and neither is refusing an action that already
/// happened: the entry is written after the action, before the answer. When the table write fails, the
/// entry goes to a Hangfire job (durable in its own database, retried until written). Only when both fail
/// does the request fail (503, logged as critical) — and since the grain state lives in the same storage
/// as the table, that is when the action itself can hardly have succeeded.
/// </para>
/// </summary>
public sealed class AuditTrail(StorageClients storage, IBackgroundJobClient jobs, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time,
    IHttpContextAccessor http, ILogger<AuditTrail> logger)
{
    public const string Table = "audit";
    public const int PageSize = 50;
    public const int MaxPage = 100;
    public const int MaxDays = 92;
    /// <summary>No entry is older than the marketplace: dates before this year are refused (and day arithmetic stays in range).</summary>
    public const int FirstYear = 2020;

    private volatile bool tableReady;

    /// <summary>Records an action of the signed-in caller, or of <paramref name="actor"/> (a sign-in, before there is a caller).</summary>
    public Task RecordAsync(HttpContext context, string action, string? target, string? detail = null, Caller? actor = null)
    {
        actor ??= context.User.Caller();
        var entry = new AuditEntry(Ids.New("aud"), time.GetUtcNow(), actor.AccountId, actor.Role, action, target, detail,
            context.Connection.RemoteIpAddress?.ToString());
        return RecordAsync(entry);
    }

    /// <summary>Records an action of <paramref name="actor"/>, from the client address of the current request if there is one
    /// (for the application's commands, which take the caller rather than the request).</summary>
    public Task RecordAsync(Caller actor, string action, string? target, string? detail = null) =>
        RecordAsync(new AuditEntry(Ids.New("aud"), time.GetUtcNow(), actor.AccountId, actor.Role, action, target, detail,
            http.HttpContext?.Connection.RemoteIpAddress?.ToString()));

    /// <summary>An entry of a step a retried request repeats: its id and time name the step (e.g. the account it created,
    /// when), so the entry is written once however often the request is repeated.</summary>
    public Task RecordOnceAsync(Caller actor, string id, DateTimeOffset at, string action, string? target, string? detail = null) =>
        RecordAsync(new AuditEntry(id, at, actor.AccountId, actor.Role, action, target, detail, http.HttpContext?.Connection.RemoteIpAddress?.ToString()));

    public async Task RecordAsync(AuditEntry entry)
    {
        try
        {
            await WriteAsync(entry);
            return;
        }
        catch (Exception failure) when (failure is RequestFailedException or HttpRequestException or AggregateException or OperationCanceledException)
        {
            logger.LogWarning(failure, "Audit entry {Id} ({Action}) not written to the table; handed to a job", entry.Id, entry.Action);
        }
        try
        {
            jobs.Enqueue<AuditJob>(j => j.WriteAsync(entry));
        }
        catch (Exception failure)
        {
            logger.LogCritical(failure, "Audit entry lost unless retried: {Entry}", entry);
            throw new AuditUnavailableException(failure);
        }
    }

    /// <summary>Writes the entry; an entry already there (same id and time) counts as written.</summary>
    public async Task WriteAsync(AuditEntry entry)
    {
        var table = storage.Tables.GetTableClient(Table);
        if (!tableReady)
        {
            await table.CreateIfNotExistsAsync();
            tableReady = true;
        }
        try
        {
            await table.AddEntityAsync(ToEntity(entry));
        }
        catch (RequestFailedException conflict) when (conflict.Status == 409)
        {
        }
    }

    /// <summary>
    /// The page an admin asks for, by the API or the audit page: an empty filter is no filter; the days run from
    /// <paramref name="from"/> (default: 6 days before <paramref name="to"/>) to <paramref name="to"/> (default: today, UTC),
    /// at most <see cref="MaxDays"/>; a bad value is refused with its field (400).
    /// </summary>
    public async Task<AuditReading> ReadAsync(string? actor, string? action, string? from, string? to, int? page, CancellationToken cancellation)
    {
        actor = string.IsNullOrWhiteSpace(actor) ? null : actor;
        action = string.IsNullOrWhiteSpace(action) ? null : action;
        from = string.IsNullOrWhiteSpace(from) ? null : from;
        to = string.IsNullOrWhiteSpace(to) ? null : to;
        var c = new Checks();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var last = to is null ? today : c.Date("to", to);
        if (!c.Failed && last.Year < FirstYear) { c.Error("to", $"Must be a date from {FirstYear} on."); last = today; }
        // The default week never reaches before the first year (a 'to' in its first days would be refused on a 'from' not given).
        var first = from is null ? (last.AddDays(-6) is var week && week.Year < FirstYear ? new DateOnly(FirstYear, 1, 1) : week) : c.Date("from", from);
        if (!c.Failed && first.Year < FirstYear) c.Error("from", $"Must be a date from {FirstYear} on.");
        if (!c.Failed && first > last) c.Error("from", "Must not be after 'to'.");
        if (!c.Failed && last.DayNumber - first.DayNumber >= MaxDays) c.Error("from", $"At most {MaxDays} days at a time.");
        if (actor is not null) c.Text("actor", actor, 100);
        if (action is not null) c.OneOf("action", action, AuditActions.All);
        var pageNumber = c.Whole("page", page ?? 1, 1, MaxPage);
        c.ThrowIfFailed();
        return new(first, last, await QueryAsync(first, last, actor, action, pageNumber, cancellation));
    }

    /// <summary>Entries from <paramref name="from"/> to <paramref name="to"/> (UTC days, both included), newest first, filtered by actor and action.</summary>
    public async Task<AuditPage> QueryAsync(DateOnly from, DateOnly to, string? actor, string? action, int page, CancellationToken cancellation)
    {
        var table = storage.Tables.GetTableClient(Table);
        var skip = (page - 1) * PageSize;
        var found = new List<AuditEntry>();
        try
        {
            for (var day = to; day >= from && found.Count <= skip + PageSize; day = day.AddDays(-1))
            {
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(day)}");
                if (actor is not null) filter += " and " + TableClient.CreateQueryFilter($"ActorId eq {actor}");
                if (action is not null) filter += " and " + TableClient.CreateQueryFilter($"Action eq {action}");
                await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 200, cancellationToken: cancellation))
                {
                    found.Add(FromEntity(entity));
                    if (found.Count > skip + PageSize) break;
                }
            }
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            // No entry was ever written: the table does not exist yet.
        }
        return new AuditPage(page, PageSize, found.Count > skip + PageSize, [.. found.Skip(skip).Take(PageSize)]);
    }

    /// <summary>For a person's data export: the entries they made or that are about their account (newest first, at most <see cref="MaxAbout"/>).</summary>
    public async Task<IReadOnlyList<AuditEntry>> AboutAsync(string accountId, CancellationToken cancellation)
    {
        var table = storage.Tables.GetTableClient(Table);
        var found = new List<AuditEntry>();
        try
        {
            // The table answers the oldest days first (partitions in ascending order): all are read, the newest kept.
            var filter = TableClient.CreateQueryFilter($"ActorId eq {accountId} or Target eq {accountId}");
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellation))
            {
                found.Add(FromEntity(entity));
                if (found.Count >= 2 * MaxAbout) found = Newest(found);
            }
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
        }
        return Newest(found);
    }

    public const int MaxAbout = 1000;

    private static List<AuditEntry> Newest(List<AuditEntry> entries) =>
        [.. entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id, StringComparer.Ordinal).Take(MaxAbout)];

    private static string Partition(DateOnly day) => day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(AuditEntry e) =>
        new(Partition(DateOnly.FromDateTime(e.At.UtcDateTime)), $"{DateTimeOffset.MaxValue.UtcTicks - e.At.UtcTicks:D19}-{e.Id}")
        {
            ["Id"] = e.Id, ["At"] = e.At, ["ActorId"] = e.ActorId, ["ActorRole"] = e.ActorRole, ["Action"] = e.Action,
            ["Target"] = e.Target, ["Detail"] = e.Detail, ["Ip"] = e.Ip,
        };

    private static AuditEntry FromEntity(TableEntity t) => new(
        t.GetString("Id"), t.GetDateTimeOffset("At") ?? default, t.GetString("ActorId"), t.GetString("ActorRole"), t.GetString("Action"),
        t.GetString("Target"), t.GetString("Detail"), t.GetString("Ip"));
}

/// <summary>Neither the audit table nor the job storage took the entry of a security action.</summary>
public sealed class AuditUnavailableException(Exception inner) : Exception("The audit trail is unavailable.", inner);

/// <summary>Writes an audit entry the request could not write; Hangfire retries it until it is stored; a rerun stores it once.</summary>
public sealed class AuditJob(AuditTrail trail)
{
    [AutomaticRetry(Attempts = 50)]
    public Task WriteAsync(AuditEntry entry) => trail.WriteAsync(entry);
}
