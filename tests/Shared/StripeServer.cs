using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Jazari.Marketplace.Tests;

/// <summary>
/// Stripe's API on 127.0.0.1 for the tests (an <see cref="HttpListener"/>: no dependency, compiles in every test
/// project). Point Stripe.net at <see cref="ApiBase"/>. It answers the calls the payments code makes (checkout
/// sessions, Connect accounts and account links, transfers, refunds) with JSON objects shaped as Stripe's, records
/// every call (<see cref="Calls"/>) and honours idempotency keys as Stripe does: the same key with the same
/// parameters replays the first answer (no new object), with other parameters it is a 400 <c>idempotency_error</c>.
/// Anything else is a 404 in Stripe's error shape, recorded, so a test sees unexpected calls.
/// Like Stripe, objects carry currencies in lower case. Stripe.net retries 409, 5xx and dropped connections twice
/// (0.5 to 5 s apart) with the same idempotency key; the failure tests can rely on that or turn it off
/// (<c>new SystemNetHttpClient(maxNetworkRetries: 0)</c>).
/// </summary>
public sealed class StripeServer : IAsyncDisposable
{
    /// <summary>One request. <see cref="Status"/> 0: the connection was dropped (<see cref="FailAfterCreate"/>).
    /// <see cref="Form"/>: body and query fields as sent, nested keys flat (<c>metadata[need]</c>,
    /// <c>line_items[0][price_data][unit_amount]</c>).</summary>
    public sealed record Call(string Method, string Path, IReadOnlyDictionary<string, string> Form, string? IdempotencyKey,
        string? StripeAccount, int Status, bool Replayed, bool Injected, string? ObjectId)
    {
        public string? Field(string name) => Form.GetValueOrDefault(name);
    }

    private sealed record Stored(string Method, string Path, string Parameters, int Status, string Body, string? ObjectId);
    private sealed record Fault(int Status, bool AfterCreate, bool Drop);

    private readonly HttpListener listener;
    private readonly Task loop;
    private readonly object gate = new();
    private readonly List<Call> calls = [];
    private readonly Dictionary<string, (string Collection, JsonObject Object)> objects = [];
    private readonly Dictionary<(string Account, string Key), Stored> idempotency = [];
    private readonly Dictionary<string, Queue<Fault>> faults = [];

    private StripeServer(HttpListener listener, string apiBase)
    {
        this.listener = listener;
        ApiBase = apiBase;
        loop = Task.Run(AcceptAsync);
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>: <c>new StripeClient(apiKey, apiBase: server.ApiBase)</c>.</summary>
    public string ApiBase { get; }

    public static StripeServer Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var apiBase = $"http://127.0.0.1:{AzuriteServer.FreePort()}";
            var listener = new HttpListener();
            listener.Prefixes.Add(apiBase + "/");
            try
            {
                listener.Start();
                return new StripeServer(listener, apiBase);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close(); // the free port was taken in between: another one
            }
        }
    }

    public IReadOnlyList<Call> Calls { get { lock (gate) return [.. calls]; } }
    public IReadOnlyList<Call> CallsTo(string method, string path) => [.. Calls.Where(c => c.Method == method && c.Path == path)];

    /// <summary>The objects created so far, oldest first (a replayed request creates none).</summary>
    public IReadOnlyList<JsonObject> Transfers() => Created("transfers");
    public IReadOnlyList<JsonObject> CheckoutSessions() => Created("checkout/sessions");
    public IReadOnlyList<JsonObject> Accounts() => Created("accounts");
    public IReadOnlyList<JsonObject> Refunds() => Created("refunds");

    /// <summary>A copy of any object by id (cs_, acct_, tr_, re_, pi_, ch_, du_), as GET would answer it.</summary>
    public JsonObject Object(string id)
    {
        lock (gate) return (JsonObject)objects[id].Object.DeepClone();
    }

    /// <summary>The next <paramref name="count"/> requests to <paramref name="path"/> (lists too) answer <paramref name="status"/>
    /// in Stripe's error shape, before any work: nothing is created, nothing kept under the idempotency key.</summary>
    public void FailNext(string path, int status = 500, int count = 1)
    {
        lock (gate)
            for (var i = 0; i < count; i++) Queue(path).Enqueue(new Fault(status, AfterCreate: false, Drop: false));
    }

    /// <summary>Ends the refusals <see cref="FailNext"/> queued for <paramref name="path"/> that no request has met yet.</summary>
    public void StopFailing(string path)
    {
        lock (gate) Queue(path).Clear();
    }

    /// <summary>The next POST to <paramref name="path"/> does its work (the object is created and its answer kept under
    /// the idempotency key, as Stripe does) but the client gets a 500, or a dropped connection: a retry with the same
    /// key then gets the kept answer, a retry with a new key creates a second object.</summary>
    public void FailAfterCreate(string path, bool dropConnection = false)
    {
        lock (gate) Queue(path).Enqueue(new Fault(500, AfterCreate: true, Drop: dropConnection));
    }

    /// <summary>Someone refunded <paramref name="amount"/> more of the charge from Stripe's dashboard (no refund of ours):
    /// the charge as its <c>charge.refunded</c> event carries it.</summary>
    public JsonObject RefundInDashboard(string chargeId, long amount)
    {
        lock (gate)
        {
            var charge = objects[chargeId].Object;
            Add("refunds", "re_", new JsonObject
            {
                ["object"] = "refund", ["amount"] = amount, ["currency"] = (string?)charge["currency"], ["charge"] = chargeId,
                ["payment_intent"] = (string?)charge["payment_intent"], ["status"] = "succeeded", ["metadata"] = new JsonObject(),
            });
            charge["amount_refunded"] = charge["amount_refunded"]!.GetValue<long>() + amount;
            charge["refunded"] = charge["amount_refunded"]!.GetValue<long>() == charge["amount"]!.GetValue<long>();
            return Public(charge);
        }
    }

    /// <summary>The Connect account finished onboarding: charges and payouts enabled, transfers capability active.</summary>
    public JsonObject EnablePayouts(string accountId) => Change(accountId, account =>
    {
        account["charges_enabled"] = true;
        account["payouts_enabled"] = true;
        account["details_submitted"] = true;
        account["capabilities"] = new JsonObject { ["card_payments"] = "active", ["transfers"] = "active" };
    });

    /// <summary>The buyer paid on the checkout page: the session is complete and paid, with a succeeded payment intent
    /// and its charge (carrying the session's <c>payment_intent_data[transfer_group]</c> and metadata).</summary>
    public JsonObject CompleteCheckout(string sessionId) => Pay(sessionId, succeeded: true);

    /// <summary>The buyer's delayed payment failed: the session is complete but unpaid, the payment intent back to
    /// requires_payment_method with a last_payment_error (for the async_payment_failed / payment_failed events).</summary>
    public JsonObject FailCheckoutPayment(string sessionId) => Pay(sessionId, succeeded: false);

    /// <summary>The buyer disputed the charge: a new dispute (du_), needs_response (a chargeback), or
    /// warning_needs_response (an inquiry).</summary>
    public JsonObject Dispute(string chargeId, string reason = "fraudulent", string status = "needs_response")
    {
        lock (gate)
        {
            var charge = objects[chargeId].Object;
            charge["disputed"] = true;
            return (JsonObject)Add("disputes", "du_", new JsonObject
            {
                ["object"] = "dispute", ["amount"] = charge["amount"]!.GetValue<long>(), ["currency"] = (string?)charge["currency"],
                ["charge"] = chargeId, ["payment_intent"] = (string?)charge["payment_intent"], ["reason"] = reason,
                ["status"] = status, ["is_charge_refundable"] = false, ["metadata"] = new JsonObject(),
            }).DeepClone();
        }
    }

    /// <summary>The card holder's bank closes the dispute ("won" or "lost"); its event is sent apart, or never.</summary>
    public JsonObject CloseDispute(string disputeId, string status)
    {
        lock (gate)
        {
            var dispute = objects[disputeId].Object;
            dispute["status"] = status;
            return (JsonObject)dispute.DeepClone();
        }
    }

    private JsonObject Pay(string sessionId, bool succeeded)
    {
        lock (gate)
        {
            var session = objects[sessionId].Object;
            var intent = Add("payment_intents", "pi_", new JsonObject
            {
                ["object"] = "payment_intent", ["amount"] = session["amount_total"]!.GetValue<long>(),
                ["currency"] = (string?)session["currency"], ["status"] = succeeded ? "succeeded" : "requires_payment_method",
                ["transfer_group"] = (string?)session["_transfer_group"], ["metadata"] = session["_payment_intent_metadata"]!.DeepClone(),
                ["last_payment_error"] = succeeded ? null : new JsonObject
                {
                    ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "insufficient_funds", ["message"] = "Your card has insufficient funds.",
                },
            });
            if (succeeded)
            {
                var charge = Add("charges", "ch_", new JsonObject
                {
                    ["object"] = "charge", ["amount"] = intent["amount"]!.GetValue<long>(), ["amount_captured"] = intent["amount"]!.GetValue<long>(),
                    ["amount_refunded"] = 0L, ["currency"] = (string?)intent["currency"], ["paid"] = true, ["captured"] = true,
                    ["refunded"] = false, ["disputed"] = false, ["status"] = "succeeded", ["payment_intent"] = (string?)intent["id"],
                    ["transfer_group"] = (string?)intent["transfer_group"], ["metadata"] = intent["metadata"]!.DeepClone(),
                });
                intent["latest_charge"] = (string?)charge["id"];
            }
            session["status"] = "complete";
            session["payment_status"] = succeeded ? "paid" : "unpaid";
            session["payment_intent"] = (string?)intent["id"];
            session["url"] = null;
            return Public(session);
        }
    }

    private async Task AcceptAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        try
        {
            var body = request.HasEntityBody ? await new StreamReader(request.InputStream, Encoding.UTF8).ReadToEndAsync() : "";
            var form = Decode(request.Url!.Query.TrimStart('?')).Concat(Decode(body)).GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Last().Value);
            bool replayed = false;
            var (status, json, drop) = (500, Error(500, "api_error", null, "The Stripe fake failed."), false);
            try
            {
                (status, json, drop) = Handle(request.HttpMethod, request.Url.AbsolutePath, form, request.Headers["Idempotency-Key"], request.Headers["Stripe-Account"], out replayed);
            }
            catch (Exception e) when (e is not (HttpListenerException or ObjectDisposedException or IOException))
            {
                json = Error(500, "api_error", null, $"The Stripe fake failed: {e}"); // answered, so the client does not wait 80 s
            }
            if (drop)
            {
                // HttpListener has no plain drop (Abort still answers 200): promise a body, send part of it, cut.
                context.Response.ContentLength64 = 1024;
                await context.Response.OutputStream.WriteAsync("{\"id\""u8.ToArray());
                await context.Response.OutputStream.FlushAsync();
                context.Response.Abort();
                return;
            }
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.Headers["Request-Id"] = "req_" + RandomId(14);
            if (replayed) context.Response.Headers["Idempotent-Replayed"] = "true";
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // the client went away
        }
    }

    private (int Status, string Json, bool Drop) Handle(string method, string path, Dictionary<string, string> form, string? key, string? account, out bool replayed)
    {
        replayed = false;
        lock (gate)
        {
            // A refusal meets any request to the path; a failure after the work meets the next one that creates something.
            Fault? fault = faults.TryGetValue(path, out var queue) && queue.Count > 0 && (method == "POST" || !queue.Peek().AfterCreate) ? queue.Dequeue() : null;
            if (fault is { AfterCreate: false })
                return Record(fault.Status, Error(fault.Status, fault.Status == 429 ? "rate_limit_error" : fault.Status >= 500 ? "api_error" : "invalid_request_error",
                    null, $"Injected failure ({fault.Status}) for {method} {path}."), null, injected: true);

            var parameters = string.Join("&", form.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value));
            var scope = (account ?? "", key ?? "");
            if (method == "POST" && key is not null && idempotency.TryGetValue(scope, out var stored))
            {
                if (stored.Method != method || stored.Path != path || stored.Parameters != parameters)
                    return Record(400, Error(400, "idempotency_error", null, "Keys for idempotent requests can only be used with the same parameters " +
                        $"they were first used with. Try using a key other than '{key}' if you meant to execute a different request."), null);
                replayed = true;
                return Record(stored.Status, stored.Body, stored.ObjectId, replay: true);
            }

            var (status, created, error) = Route(method, path, form);
            var json = created is not null ? Public(created).ToJsonString() : error!;
            var objectId = (string?)created?["id"];
            // Stripe keeps the answer of a request that ran, not one refused before it started (a 404 route, a 400 check).
            if (method == "POST" && key is not null && created is not null)
                idempotency[scope] = new Stored(method, path, parameters, status, json, objectId);
            if (fault is { AfterCreate: true })
                return Record(fault.Drop ? 0 : 500, Error(500, "api_error", null, "Injected failure after the work was done."), objectId, injected: true);
            return Record(status, json, objectId);
        }

        (int, string, bool) Record(int status, string json, string? objectId, bool replay = false, bool injected = false)
        {
            calls.Add(new Call(method, path, form, key, account, status, replay, injected, objectId));
            return (status, json, status == 0);
        }
    }

    private (int Status, JsonObject? Created, string? Error) Route(string method, string path, Dictionary<string, string> form)
    {
        switch (method, path)
        {
            case ("POST", "/v1/checkout/sessions"): return CreateSession(form);
            case ("POST", "/v1/accounts"): return CreateAccount(form);
            case ("POST", "/v1/account_links"): return CreateAccountLink(form);
            case ("POST", "/v1/transfers"): return CreateTransfer(form);
            case ("POST", "/v1/refunds"): return CreateRefund(form);
            case ("GET", "/v1/transfers"): return List("transfers", form, "transfer_group");
            case ("GET", "/v1/refunds"): return List("refunds", form, "payment_intent");
            case ("GET", "/v1/disputes"): return List("disputes", form, "payment_intent");
        }
        var slash = path.LastIndexOf('/');
        var collection = path.Length > 4 && slash > 4 ? path[4..slash] : "";
        if (method == "GET" && path.StartsWith("/v1/", StringComparison.Ordinal) && objects.TryGetValue(path[(slash + 1)..], out var found) && found.Collection == collection)
            return (200, found.Object, null);
        if (method == "GET" && collection is "checkout/sessions" or "accounts" or "transfers" or "refunds" or "payment_intents" or "charges" or "disputes")
            return (404, null, Error(404, "invalid_request_error", "resource_missing", $"No such {collection.TrimEnd('s').Replace("checkout/session", "checkout.session")}: '{path[(slash + 1)..]}'", "id"));
        return (404, null, Error(404, "invalid_request_error", null, $"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."));
    }

    private (int, JsonObject?, string?) CreateSession(Dictionary<string, string> form)
    {
        if (Missing(form, "mode", "success_url") is { } missing) return missing;
        long total = 0;
        string? currency = null;
        for (var i = 0; form.ContainsKey($"line_items[{i}][price_data][unit_amount]") || form.ContainsKey($"line_items[{i}][price]"); i++)
        {
            if (!long.TryParse(form.GetValueOrDefault($"line_items[{i}][price_data][unit_amount]"), out var unit) || unit < 0)
                return Invalid($"line_items[{i}][price_data][unit_amount]", "Invalid integer.");
            total += unit * (long.TryParse(form.GetValueOrDefault($"line_items[{i}][quantity]"), out var quantity) ? quantity : 1);
            currency ??= form.GetValueOrDefault($"line_items[{i}][price_data][currency]")?.ToLowerInvariant();
        }
        if (currency is null) return Invalid("line_items", "You must specify `line_items` in `payment` mode.");
        var id = "cs_test_" + RandomId(58);
        return (200, Add("checkout/sessions", id, new JsonObject
        {
            ["object"] = "checkout.session", ["mode"] = form["mode"], ["status"] = "open", ["payment_status"] = "unpaid",
            ["amount_subtotal"] = total, ["amount_total"] = total, ["currency"] = currency,
            ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"), ["customer_email"] = form.GetValueOrDefault("customer_email"),
            ["success_url"] = form["success_url"], ["cancel_url"] = form.GetValueOrDefault("cancel_url"),
            ["url"] = $"https://checkout.stripe.com/c/pay/{id}", ["payment_intent"] = null,
            ["expires_at"] = DateTimeOffset.UtcNow.AddHours(24).ToUnixTimeSeconds(), ["metadata"] = Metadata(form, "metadata"),
            ["_transfer_group"] = form.GetValueOrDefault("payment_intent_data[transfer_group]"),
            ["_payment_intent_metadata"] = Metadata(form, "payment_intent_data[metadata]"),
        }), null);
    }

    private (int, JsonObject?, string?) CreateAccount(Dictionary<string, string> form) => (200, Add("accounts", "acct_", new JsonObject
    {
        ["object"] = "account", ["type"] = form.GetValueOrDefault("type") ?? "express", ["country"] = form.GetValueOrDefault("country") ?? "US",
        ["email"] = form.GetValueOrDefault("email"), ["business_type"] = form.GetValueOrDefault("business_type"),
        ["default_currency"] = form.GetValueOrDefault("default_currency")?.ToLowerInvariant(),
        ["charges_enabled"] = false, ["payouts_enabled"] = false, ["details_submitted"] = false,
        ["capabilities"] = new JsonObject { ["transfers"] = "inactive" }, ["metadata"] = Metadata(form, "metadata"),
    }), null);

    private (int, JsonObject?, string?) CreateAccountLink(Dictionary<string, string> form)
    {
        if (Missing(form, "account", "type") is { } missing) return missing;
        if (Unknown(form, "account", "account") is { } unknown) return unknown;
        return (200, new JsonObject
        {
            ["object"] = "account_link", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["expires_at"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
            ["url"] = $"https://connect.stripe.com/setup/e/{form["account"]}/{RandomId(12)}",
        }, null);
    }

    private (int, JsonObject?, string?) CreateTransfer(Dictionary<string, string> form)
    {
        if (Missing(form, "amount", "currency", "destination") is { } missing) return missing;
        if (!long.TryParse(form["amount"], out var amount) || amount <= 0) return Invalid("amount", "Invalid positive integer");
        if (Unknown(form, "destination", "account") is { } unknown) return unknown;
        if ((string?)objects[form["destination"]].Object["capabilities"]?["transfers"] != "active")
            return Invalid("destination", "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments");
        return (200, Add("transfers", "tr_", new JsonObject
        {
            ["object"] = "transfer", ["amount"] = amount, ["amount_reversed"] = 0L, ["currency"] = form["currency"].ToLowerInvariant(),
            ["destination"] = form["destination"], ["transfer_group"] = form.GetValueOrDefault("transfer_group"),
            ["source_transaction"] = form.GetValueOrDefault("source_transaction"), ["description"] = form.GetValueOrDefault("description"),
            ["reversed"] = false, ["metadata"] = Metadata(form, "metadata"),
        }), null);
    }

    private (int, JsonObject?, string?) CreateRefund(Dictionary<string, string> form)
    {
        JsonObject? charge = null;
        if (form.GetValueOrDefault("charge") is { } chargeId)
        {
            if (Unknown(form, "charge", "charge") is { } unknown) return unknown;
            charge = objects[chargeId].Object;
        }
        else if (form.GetValueOrDefault("payment_intent") is { } intentId)
        {
            if (Unknown(form, "payment_intent", "payment_intent") is { } unknown) return unknown;
            if (objects[intentId].Object["latest_charge"] is not { } latest)
                return Invalid("payment_intent", $"This PaymentIntent ({intentId}) does not have a successful charge to refund.");
            charge = objects[(string)latest!].Object;
        }
        if (charge is null) return Invalid("charge", "One of the following params should be provided for this request: payment_intent or charge.");
        var refundable = charge["amount"]!.GetValue<long>() - charge["amount_refunded"]!.GetValue<long>();
        var amount = refundable;
        if (form.TryGetValue("amount", out var requested) && (!long.TryParse(requested, out amount) || amount <= 0))
            return Invalid("amount", "Invalid positive integer");
        if (amount > refundable)
            return (400, null, Error(400, "invalid_request_error", refundable == 0 ? "charge_already_refunded" : "amount_too_large",
                $"Refund amount ({amount}) is greater than unrefunded amount on charge ({refundable})", "amount"));
        charge["amount_refunded"] = charge["amount_refunded"]!.GetValue<long>() + amount;
        charge["refunded"] = amount == refundable;
        return (200, Add("refunds", "re_", new JsonObject
        {
            ["object"] = "refund", ["amount"] = amount, ["currency"] = (string?)charge["currency"], ["charge"] = (string?)charge["id"],
            ["payment_intent"] = (string?)charge["payment_intent"], ["status"] = "succeeded", ["reason"] = form.GetValueOrDefault("reason"),
            ["metadata"] = Metadata(form, "metadata"),
        }), null);
    }

    private JsonObject Add(string collection, string idOrPrefix, JsonObject value)
    {
        var id = idOrPrefix.EndsWith('_') ? idOrPrefix + RandomId(24) : idOrPrefix;
        var object_ = new JsonObject { ["id"] = id };
        foreach (var (name, node) in value.ToList())
        {
            value.Remove(name);
            object_[name] = node;
            if (name == "object")
            {
                object_["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                object_["livemode"] = false;
            }
        }
        objects[id] = (collection, object_);
        return object_;
    }

    private JsonObject Change(string id, Action<JsonObject> change)
    {
        lock (gate)
        {
            change(objects[id].Object);
            return Public(objects[id].Object);
        }
    }

    /// <summary>A list, newest first as Stripe's, filtered on <paramref name="filter"/> when the request names it (one page: the tests make few).</summary>
    private (int, JsonObject?, string?) List(string collection, Dictionary<string, string> form, string filter)
    {
        var wanted = form.GetValueOrDefault(filter);
        var data = new JsonArray([.. objects.Values.Where(o => o.Collection == collection && (wanted is null || (string?)o.Object[filter] == wanted))
            .Select(o => (JsonNode)Public(o.Object)).Reverse()]);
        return (200, new JsonObject { ["object"] = "list", ["url"] = $"/v1/{collection}", ["has_more"] = false, ["data"] = data }, null);
    }

    /// <summary>Stripe forgets idempotency keys after 24 hours: a request with a key used before then runs again.</summary>
    public void ForgetIdempotencyKeys()
    {
        lock (gate) idempotency.Clear();
    }

    private IReadOnlyList<JsonObject> Created(string collection)
    {
        lock (gate) return [.. objects.Values.Where(o => o.Collection == collection).Select(o => Public(o.Object))];
    }

    /// <summary>A copy without the fields the fake keeps for itself (named <c>_...</c>).</summary>
    private static JsonObject Public(JsonObject value)
    {
        var copy = (JsonObject)value.DeepClone();
        foreach (var name in copy.Select(p => p.Key).Where(n => n.StartsWith('_')).ToList()) copy.Remove(name);
        return copy;
    }

    private Queue<Fault> Queue(string path) => faults.TryGetValue(path, out var queue) ? queue : faults[path] = new Queue<Fault>();

    private static JsonObject Metadata(Dictionary<string, string> form, string prefix)
    {
        var metadata = new JsonObject();
        foreach (var (name, value) in form)
            if (name.StartsWith(prefix + "[", StringComparison.Ordinal) && name.EndsWith(']') && name.IndexOf('[', prefix.Length + 1) < 0)
                metadata[name[(prefix.Length + 1)..^1]] = value;
        return metadata;
    }

    private static (int, JsonObject?, string?)? Missing(Dictionary<string, string> form, params string[] names) =>
        names.FirstOrDefault(n => string.IsNullOrEmpty(form.GetValueOrDefault(n))) is { } name
            ? (400, null, Error(400, "invalid_request_error", "parameter_missing", $"Missing required param: {name}.", name)) : null;

    private (int, JsonObject?, string?)? Unknown(Dictionary<string, string> form, string name, string kind) =>
        objects.ContainsKey(form[name]) ? null
            : (400, null, Error(400, "invalid_request_error", "resource_missing", $"No such {kind}: '{form[name]}'", name));

    private static (int, JsonObject?, string?) Invalid(string param, string message) =>
        (400, null, Error(400, "invalid_request_error", "parameter_invalid", message, param));

    private static string Error(int status, string type, string? code, string message, string? param = null) => new JsonObject
    {
        ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message, ["param"] = param, ["status"] = status },
    }.ToJsonString();

    private static IEnumerable<KeyValuePair<string, string>> Decode(string encoded) =>
        encoded.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2)).Select(p =>
            KeyValuePair.Create(Uri.UnescapeDataString(p[0].Replace('+', ' ')), p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : ""));

    private static string RandomId(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        try
        {
            listener.Close();
        }
        catch (HttpListenerException) // Linux's HttpListener may look the port up again on close and find it taken by another test's server
        {
        }
        await loop;
    }
}
