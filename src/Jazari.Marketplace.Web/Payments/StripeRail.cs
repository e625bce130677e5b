using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Notifications;
using Stripe;
using Stripe.Checkout;
using PaymentMethod = Jazari.Marketplace.Grains.Payments.PaymentMethod;

namespace Jazari.Marketplace.Web.Payments;

/// <summary>The <c>Stripe</c> section: the secret key turns card payments on; the webhook secret verifies events.</summary>
public sealed class StripeSettings
{
    public string? SecretKey { get; set; }
    public string? WebhookSecret { get; set; }
    /// <summary>The signing secret of the Connect webhook endpoint (Stripe signs the connected accounts' events, such as
    /// <c>account.updated</c>, with an endpoint and a secret of their own); events signed with either are taken.</summary>
    public string? ConnectWebhookSecret { get; set; }
    /// <summary>Another address for Stripe's API (the tests' local endpoint); Stripe's own when unset.</summary>
    public string? ApiBase { get; set; }
    /// <summary>Stripe.net's own retries of a failed call (same idempotency key).</summary>
    public int NetworkRetries { get; set; } = 2;

    public bool Enabled => !string.IsNullOrWhiteSpace(SecretKey);

    public static StripeSettings From(IConfiguration config) => config.GetSection("Stripe").Get<StripeSettings>() ?? new();

    public StripeClient Client() => new(SecretKey, httpClient: new SystemNetHttpClient(maxNetworkRetries: NetworkRetries),
        apiBase: string.IsNullOrWhiteSpace(ApiBase) ? null : ApiBase);
}

/// <summary>
/// Cards through Stripe: a Checkout Session per milestone funding; releases are Transfers to the startup's Connect
/// account (<c>transfer_group</c> = the need); refunds go back to the card. Every call carries an idempotency key
/// derived from the operation, and a move first looks for a transfer or refund carrying its operation id (Stripe
/// forgets keys after 24 hours), so a retried job never moves money twice.
/// </summary>
public sealed class StripeRail(StripeClient client, IGrainFactory grains, NotificationSettings links, ILogger<StripeRail> logger) : IPaymentRail
{
    public PaymentMethod Method => PaymentMethod.Stripe;

    public RailAbilities Abilities { get; } = new(CardCheckout: true, ConfirmedByAdmin: false, ConnectedPayouts: true, ProcessorRefunds: true);

    public async Task<FundingStart> StartFundingAsync(FundingRequest request, CancellationToken cancellation)
    {
        var metadata = Metadata(request.PaymentId, request.NeedId, request.Index, request.Attempt);
        var needLink = $"{links.PublicUrl.TrimEnd('/')}/needs/{request.NeedId}";
        try
        {
            var session = await new SessionService(client).CreateAsync(new SessionCreateOptions
            {
                Mode = "payment",
                ClientReferenceId = request.PaymentId,
                SuccessUrl = $"{needLink}?paid={request.PaymentId}",
                CancelUrl = needLink,
                Metadata = metadata,
                PaymentIntentData = new SessionPaymentIntentDataOptions { TransferGroup = request.NeedId, Metadata = metadata },
                LineItems = [new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = request.Currency.ToLowerInvariant(), UnitAmount = request.SmeMinor,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = $"{request.Title} ({request.Index + 1})" },
                    },
                }],
            }, Key($"{request.PaymentId}:checkout:{request.Attempt}"), cancellation);
            return new FundingStart(BankTransferRail.Reference(request.PaymentId), "Pay by card on the Stripe checkout page.", session.Url);
        }
        catch (Exception unreachable) when (unreachable is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            throw new StripeException("Stripe did not answer.", unreachable); // no status (unreachable, or timed out): busy, a 503 to try again
        }
    }

    public async Task<string?> MoveAsync(MoneyMove move, CancellationToken cancellation)
    {
        var metadata = new Dictionary<string, string> { ["operationId"] = move.OperationId, ["needId"] = move.NeedId, ["milestone"] = $"{move.Index}" };
        return move.Kind switch
        {
            MoveKind.Release => await TransferAsync(move, metadata, cancellation),
            MoveKind.Refund => await RefundAsync(move, metadata, cancellation),
            _ => throw new ArgumentOutOfRangeException(nameof(move), move.Kind, "Unknown move kind."),
        };
    }

    public async Task<string?> FindReleaseAsync(MoneyMove move, CancellationToken cancellation)
    {
        await foreach (var made in new TransferService(client).ListAutoPagingAsync(new TransferListOptions { TransferGroup = move.NeedId, Limit = 100 }, cancellationToken: cancellation))
            if (made.Metadata?.GetValueOrDefault("operationId") == move.OperationId) return made.Id;
        return null;
    }

    private async Task<string?> TransferAsync(MoneyMove move, Dictionary<string, string> metadata, CancellationToken cancellation)
    {
        var payouts = grains.GetGrain<IPayoutAccountGrain>(move.StartupId);
        // Stripe keeps an idempotency key 24 hours: a move retried later (or after the account changed) is first looked
        // for among the need's transfers.
        if (await FindReleaseAsync(move, cancellation) is { } made) return await DoneWaitingAsync(payouts, move, made);
        var service = new TransferService(client);
        var account = await payouts.GetAsync();
        if (account is not { PayoutsEnabled: true })
        {
            await payouts.WaitAsync(move.NeedId); // account.updated raises the engagement's events again
            account = await payouts.GetAsync(); // unless it came in between
            if (account is not { PayoutsEnabled: true })
                throw new MoveWaitsException("The startup has not finished its Stripe onboarding (payouts not enabled); the release waits for it.");
        }
        var transfer = await service.CreateAsync(new TransferCreateOptions
        {
            Amount = move.NetMinor, Currency = move.Currency.ToLowerInvariant(), Destination = account.ExternalAccountId,
            TransferGroup = move.NeedId, Metadata = metadata, SourceTransaction = await ChargeOfAsync(move.PaymentExternalId, cancellation),
        }, Key(move.OperationId), cancellation);
        return await DoneWaitingAsync(payouts, move, transfer.Id);
    }

    /// <summary>The charge of the card payment a release pays from: the transfer is made from it, so that it goes while the
    /// payment's money is still pending at Stripe (a delivery approved within days of the payment), instead of failing for
    /// want of an available balance. Null for a payment made before checkouts had a payment intent.</summary>
    private async Task<string?> ChargeOfAsync(string? paymentIntentId, CancellationToken cancellation) =>
        paymentIntentId?.StartsWith("pi_", StringComparison.Ordinal) == true
            ? (await new PaymentIntentService(client).GetAsync(paymentIntentId, cancellationToken: cancellation)).LatestChargeId
            : null;

    /// <summary>The need leaves the startup's waiting list once its transfer is made (not when it is woken up: a wake-up
    /// that did not reach the job must not lose it).</summary>
    private static async Task<string> DoneWaitingAsync(IPayoutAccountGrain payouts, MoneyMove move, string transferId)
    {
        await payouts.DoneWaitingAsync(move.NeedId);
        return transferId;
    }

    private async Task<string?> RefundAsync(MoneyMove move, Dictionary<string, string> metadata, CancellationToken cancellation)
    {
        if (move.NetMinor == 0) return null; // all of it goes back to the programme: nothing to refund on the card
        var (made, left) = await RefundOfAsync(move.PaymentExternalId!, move.OperationId, cancellation);
        if (made is not null) return made; // made more than 24 hours ago
        // A refund made in Stripe's dashboard while this one waited (an engagement being cancelled, Stripe down) gave the
        // card part of it already: the card gets what is left of the move, and the move is done.
        var amount = Math.Min(move.NetMinor, left);
        if (amount < move.NetMinor)
            logger.LogWarning("Refund {OperationId} of need {NeedId}: Stripe had refunded the card already; {Amount} of {Net} refunded now",
                move.OperationId, move.NeedId, Math.Max(amount, 0), move.NetMinor);
        if (amount <= 0) return move.PaymentExternalId;
        var refund = await new RefundService(client).CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = move.PaymentExternalId, Amount = amount, Metadata = metadata,
        }, Key(amount == move.NetMinor ? move.OperationId : $"{move.OperationId}:{amount}"), cancellation); // a new amount, a new request
        return refund.Id;
    }

    /// <summary>
    /// Gives a card payment no milestone took (paid after the engagement was cancelled, a second checkout, a late payment
    /// of a lapsed request) back to the card, whole and once: a refund of ours already made (found by its operation id,
    /// as Stripe forgets keys after 24 hours) or a payment refunded already asks nothing more.
    /// </summary>
    public async Task RefundUnclaimedAsync(string paymentIntentId, Dictionary<string, string> metadata, CancellationToken cancellation)
    {
        try
        {
            await MakeUnclaimedRefundAsync(paymentIntentId, metadata, cancellation);
        }
        catch (Exception unreachable) when (unreachable is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            throw new StripeException("Stripe did not answer.", unreachable); // a 503: Stripe sends its event again later
        }
    }

    private async Task MakeUnclaimedRefundAsync(string paymentIntentId, Dictionary<string, string> metadata, CancellationToken cancellation)
    {
        var operationId = $"unclaimed:{paymentIntentId}";
        var (made, rest) = await RefundOfAsync(paymentIntentId, operationId, cancellation);
        if (made is not null || rest <= 0) return;
        await new RefundService(client).CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = paymentIntentId, Amount = rest, Metadata = new(metadata) { ["operationId"] = operationId },
        }, Key($"{operationId}:{rest}"), cancellation); // a refund in Stripe's dashboard since: another amount, another request
    }

    /// <summary>Whether a closed chargeback was lost (the money went back to the card); null while it is open, and for
    /// an inquiry (<see cref="InquiryClosed"/>). One prevented is won: the money stays.</summary>
    public static bool? Closed(Stripe.Dispute dispute) => dispute.Status switch
    {
        "lost" => true,
        "won" or "prevented" => false,
        _ => null,
    };

    /// <summary>An inquiry its bank closed without a chargeback (<c>warning_closed</c>): no money moved, and the bank may
    /// still file a chargeback, which Stripe may send as a dispute of its own.</summary>
    public static bool InquiryClosed(Stripe.Dispute dispute) => dispute.Status == "warning_closed";

    /// <summary>The outcome of the newest dispute of a payment once its bank closed it (a chargeback "won" or "lost", with
    /// the amount disputed, or an inquiry closed); null while it is open, or when there is none.</summary>
    public async Task<(bool Lost, long AmountMinor, bool Inquiry)?> ClosedChargebackAsync(string paymentIntentId, CancellationToken cancellation)
    {
        if (await NewestDisputeAsync(paymentIntentId, cancellation) is not { } newest) return null;
        if (InquiryClosed(newest)) return (false, 0, true);
        return Closed(newest) is { } lost ? (lost, newest.Amount, false) : null;
    }

    /// <summary>The newest dispute of a payment, an inquiry or a chargeback; null when it has none.</summary>
    public async Task<Stripe.Dispute?> NewestDisputeAsync(string paymentIntentId, CancellationToken cancellation)
    {
        try
        {
            return (await new DisputeService(client).ListAsync(new DisputeListOptions { PaymentIntent = paymentIntentId, Limit = 1 },
                cancellationToken: cancellation)).Data.FirstOrDefault();
        }
        catch (Exception unreachable) when (unreachable is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            throw new StripeException("Stripe did not answer.", unreachable); // a 503 to try again
        }
    }

    /// <summary>The refund of <paramref name="operationId"/> when one was made (Stripe forgets idempotency keys after 24
    /// hours: it is looked for by its metadata), else what is left to refund of the payment after the refunds made.</summary>
    private async Task<(string? Made, long Left)> RefundOfAsync(string paymentIntentId, string operationId, CancellationToken cancellation)
    {
        var refunded = 0L;
        await foreach (var made in new RefundService(client).ListAutoPagingAsync(new RefundListOptions { PaymentIntent = paymentIntentId, Limit = 100 },
            cancellationToken: cancellation))
        {
            if (made.Metadata?.GetValueOrDefault("operationId") == operationId) return (made.Id, 0);
            if (made.Status is not ("failed" or "canceled")) refunded += made.Amount;
        }
        return (null, (await new PaymentIntentService(client).GetAsync(paymentIntentId, cancellationToken: cancellation)).Amount - refunded);
    }

    /// <summary>The startup's Connect account (created once) and a fresh onboarding link to it.</summary>
    public async Task<string> OnboardingLinkAsync(string startupId, string? email, CancellationToken cancellation)
    {
        try
        {
            return await CreateOnboardingLinkAsync(startupId, email, cancellation);
        }
        catch (Exception unreachable) when (unreachable is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            throw new StripeException("Stripe did not answer.", unreachable); // as a checkout's: a 503 to try again
        }
    }

    private async Task<string> CreateOnboardingLinkAsync(string startupId, string? email, CancellationToken cancellation)
    {
        var payouts = grains.GetGrain<IPayoutAccountGrain>(startupId);
        var account = await payouts.GetAsync();
        if (account is null)
        {
            var created = await new AccountService(client).CreateAsync(new AccountCreateOptions
            {
                Type = "express", Email = email, Metadata = new Dictionary<string, string> { ["startupId"] = startupId },
                Capabilities = new AccountCapabilitiesOptions { Transfers = new AccountCapabilitiesTransfersOptions { Requested = true } },
            }, Key($"startup:{startupId}:connect-account"), cancellation);
            account = await payouts.SetAccountAsync(created.Id);
        }
        var back = $"{links.PublicUrl.TrimEnd('/')}/startups/{startupId}";
        var link = await new AccountLinkService(client).CreateAsync(new AccountLinkCreateOptions
        {
            Account = account.ExternalAccountId, Type = "account_onboarding", RefreshUrl = back + "?onboarding=refresh", ReturnUrl = back + "?onboarding=done",
        }, cancellationToken: cancellation);
        return link.Url;
    }

    public static Dictionary<string, string> Metadata(string paymentId, string needId, int index, int attempt) => new()
    {
        ["paymentId"] = paymentId, ["needId"] = needId, ["milestone"] = $"{index}", ["attempt"] = $"{attempt}",
    };

    private static RequestOptions Key(string key) => new() { IdempotencyKey = key };
}
