using System.Text.RegularExpressions;
using Jazari.Marketplace.Tests;
using Jazari.Marketplace.Web.Languages;
using Jazari.Marketplace.Web.Pages.Support;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>Plurals, numbers, amounts, dates and refusals: one format per language, every refusal in every language.</summary>
public sealed partial class LanguageTests
{
    private static readonly Strings Strings = new();

    [Theory]
    [InlineData("ar", "zero", "one", "two", "few", "many", "other")]
    [InlineData("fr", "one", "one", "other", "other", "other", "other")]
    [InlineData("en", "other", "one", "other", "other", "other", "other")]
    public void Plural_categories_follow_cldr(string language, string of0, string of1, string of2, string of3, string of11, string of100)
    {
        Assert.Equal([of0, of1, of2, of3, of11, of100],
            new long[] { 0, 1, 2, 3, 11, 100 }.Select(n => Plurals.Category(language, n)));
    }

    /// <summary>A match's reason names the category as the need form offers it ("Boutique en ligne"), not in other words.</summary>
    [Fact]
    public void Match_reasons_name_each_category_as_the_pages_do()
    {
        var strings = new Strings();
        foreach (var category in Jazari.Marketplace.Grains.Reference.Categories)
            foreach (var language in new[] { "en", "fr", "ar" })
                Assert.Equal(strings.Get(language, "category." + category), Jazari.Marketplace.Matching.Lexicon.Default.Find(category)!.Name(language));
    }

    [Fact]
    public void Arabic_and_french_plural_rules_beyond_the_first_hundred()
    {
        Assert.Equal("few", Plurals.Category("ar", 103));
        Assert.Equal("many", Plurals.Category("ar", 111));
        Assert.Equal("other", Plurals.Category("ar", 200));
        Assert.Equal("many", Plurals.Category("fr", 1_000_000));
        Assert.Equal("other", Plurals.Category("fr", 1_000_001));
    }

    [Fact]
    public void Counts_take_the_form_of_their_number()
    {
        var text = new Text(Strings);
        text.Use("fr");
        Assert.Equal("1 offre", text.Count("sme.bids", 1));
        Assert.Equal("0 offre", text.Count("sme.bids", 0));
        Assert.Equal("3 offres", text.Count("sme.bids", 3));
        text.Use("en");
        Assert.Equal("1 bid", text.Count("sme.bids", 1));
        Assert.Equal("2 bids", text.Count("sme.bids", 2));
        text.Use("ar");
        Assert.Equal("عرضان", text.Count("sme.bids", 2));
        Assert.Equal("3 عروض", text.Count("sme.bids", 3));
        Assert.Equal("11 عرضاً", text.Count("sme.bids", 11));
        Assert.Equal("100 عرض", text.Count("sme.bids", 100));
        // A milestone's due day keeps its unit in every form (an edit once left "due 5 after the start").
        Assert.Equal("التسليم بعد 15 يوماً من البدء", text.Count("bid.due-day", 15));
        text.Use("fr");
        Assert.Equal("à livrer 5 jours après le début", text.Count("bid.due-day", 5));
        text.Use("en");
        Assert.Equal("due 5 days after the start", text.Count("bid.due-day", 5));
    }

    [Fact]
    public void French_elides_de_before_a_typed_name_that_starts_with_a_vowel()
    {
        var text = new Text(Strings);
        text.Use("fr");
        Assert.Equal("Retenir l'offre d'Atlas Dev", text.Format("bid.accept-label", "Atlas Dev"));
        Assert.Equal("Accepter l'offre d'Écom Maroc ?", text.Format("journey.accept-title", "Écom Maroc"));
        Assert.Equal("Retenir l&#39;offre d&#39;<bdi>Atlas Dev</bdi>", text.Html("bid.accept-label", "Atlas Dev").ToString());
        // A consonant, an h (aspirated or not, a name cannot tell), a y sounded as a consonant, another script: "de" stays.
        foreach (var name in new[] { "Souss Digital", "Hespress Web", "Youssef Conseil", "رقمي Digital", "3D Atlas" })
            Assert.Equal($"Retenir l'offre de {name}", text.Format("bid.accept-label", name));
        text.Use("en");
        Assert.Equal("Accept the bid of Atlas Dev?", text.Format("journey.accept-title", "Atlas Dev"));
    }

    [Fact]
    public void A_wait_is_said_in_the_unit_a_person_reads()
    {
        var text = new Text(Strings);
        text.Use("fr");
        Assert.Equal("Vous pourrez réessayer dans 1 seconde.", text.RetryIn(TimeSpan.Zero));
        Assert.Equal("Vous pourrez réessayer dans 89 secondes.", text.RetryIn(TimeSpan.FromSeconds(88.2)));
        Assert.Equal("Vous pourrez réessayer dans 2 minutes.", text.RetryIn(TimeSpan.FromSeconds(90)));
        Assert.Equal("Vous pourrez réessayer dans 15 minutes.", text.RetryIn(TimeSpan.FromMinutes(14.5)));
        Assert.Equal("Vous pourrez réessayer dans 2 heures.", text.RetryIn(TimeSpan.FromMinutes(119.5)));
        Assert.Equal("Vous pourrez réessayer dans 2 heures.", text.RetryIn(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1)));
        text.Use("ar");
        Assert.Equal("يمكنكم إعادة المحاولة بعد دقيقتين.", text.RetryIn(TimeSpan.FromMinutes(2)));
        Assert.Equal("يمكنكم إعادة المحاولة بعد 23 ساعة.", text.RetryIn(TimeSpan.FromHours(23)));
    }

    [Theory]
    [InlineData("fr", "1 besoin similaire ouvert demande de 10 à 20.", "3 besoins similaires ouverts demandent de 10 à 20 (médianes) ; les budgets vont de 5 à 40.",
        "2 besoins similaires ouverts demandent de 10 à 20.")]
    [InlineData("en", "1 similar open need asks from 10 to 20.", "3 similar open needs ask from 10 to 20 (medians); budgets range from 5 to 40.",
        "2 similar open needs ask from 10 to 20.")]
    public void The_budget_hint_speaks_of_medians_only_when_there_are_several_needs(string language, string one, string three, string sameRange)
    {
        // One need has no median and no range beside its own budget; medians that span the whole range say one range (the page's choice).
        var text = new Text(Strings);
        text.Use(language);
        Assert.Equal(one, text.Format("new-need.guide-text", 1, 10, 20, 10, 20));
        Assert.Equal(three, text.Format("new-need.guide-text", 3, 10, 20, 5, 40));
        Assert.Equal(sameRange, text.Format("new-need.guide-range", 2, 10, 20));
    }

    [Fact]
    public void Every_text_with_plural_forms_writes_each_form_of_its_language()
    {
        foreach (var language in Strings.Languages)
            foreach (var (key, value) in Strings.Of(language).Where(e => Plurals.HasForms(e.Value)))
            {
                var forms = Plurals.Forms(value);
                Assert.True(Plurals.CategoriesOf(language).All(forms.ContainsKey), $"{language} {key} lacks a plural form: {value}");
            }
    }

    [Fact]
    public void Amounts_numbers_scores_and_dates_have_one_format_per_language()
    {
        var fr = Formats.For("fr");
        var ar = Formats.For("ar");
        var en = Formats.For("en");
        // The currency keeps to its number (an unbreakable space): an amount never wraps apart on a narrow card.
        Assert.Equal(fr.Number(15000) + "\u00a0MAD", fr.Money(1_500_000, "MAD", "MAD"));
        Assert.Equal("15.000\u00a0MAD", fr.Money(1_500_000, "MAD", "MAD"));
        Assert.Equal("150.000,50\u00a0MAD", fr.Money(15_000_050, "MAD", "MAD"));
        Assert.Equal("15,000\u00a0MAD", en.Money(1_500_000, "MAD", "MAD"));
        Assert.Equal("15.000\u00a0درهم", ar.Money(1_500_000, "MAD", "درهم"));
        Assert.Equal("4,7 / 5", fr.Score(4.67));
        Assert.Equal("4.7 / 5", en.Score(4.67));
        Assert.Equal("3 mars 2026", fr.Date(new DateOnly(2026, 3, 3)));
        Assert.Equal("3 March 2026", en.Date(new DateOnly(2026, 3, 3)));
        Assert.Equal("3 مارس 2026", ar.Date(new DateOnly(2026, 3, 3)));
    }

    [Fact]
    public void A_percentage_is_written_one_way_per_language()
    {
        // "30 %" in French and Arabic, the sign kept with its number on a narrow phone (no break); "30%" in English.
        var web = Path.Combine(RepoPaths.Root, "src", "Jazari.Marketplace.Web");
        var files = Directory.EnumerateFiles(Path.Combine(web, "Pages", "Strings"), "*.json")
            .Concat(Directory.EnumerateFiles(Path.Combine(web, "Notifications", "Templates"), "*.json"));
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var language = name.Contains('.') ? name[(name.LastIndexOf('.') + 1)..] : name;
            if (language is not ("ar" or "fr" or "en")) continue;
            var expected = language == "en" ? "}%" : "}\u00A0%";
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file), @"\}\s?[%٪]"))
                Assert.True(m.Value == expected, $"{Path.GetFileName(file)}: a percentage written '{m.Value}', not '{expected}'");
        }
    }

    [Fact]
    public void Times_are_written_in_morocco()
    {
        // Morocco is UTC+1 outside Ramadan.
        Assert.Equal("15 janvier 2026, 10:30", Formats.For("fr").DateTime(new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero)));
        Assert.EndsWith("2026، 10:30", Formats.For("ar").DateTime(new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero))); // Arabic's own comma
        Assert.Equal(new DateOnly(2026, 1, 16), Formats.Today(new DateTimeOffset(2026, 1, 15, 23, 30, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Refusals_carry_their_values_in_the_reader_language()
    {
        var text = new Text(Strings);
        text.Use("fr");
        Assert.Equal("Au moins 10 caractères.", text.Error("At least 10 characters."));
        // Every number of a refusal in the page's one format (a goal's bound was once written by hand, "1 000 000 000 000").
        Assert.Equal("Doit être entre 1 et 1.000.000.000.000.", text.Error("Must be between 1 and 1000000000000."));
        // The API counts milestones from 0 (/milestones/1/fund is the second); a reader counts them from 1, as the pages do.
        Assert.Equal("Le jalon 3 est «\u00a0Financé\u00a0» : il n'a pas besoin d'être financé.",
            text.Error("Milestone 2 is funded; it needs no funding."));
        Assert.Equal("La part de la PME pour le jalon 1 est de 10.000\u00a0MAD ; 5.000\u00a0MAD ont été reçus.",
            text.Error("The SME's share of milestone 0 is 1000000 (minor units of MAD); 500000 was received."));
        // A time in a refusal is Morocco's, written as the pages write it.
        Assert.StartsWith("Ce versement attend jusqu'au 15 janvier 2026, 10:30, car",
            text.Error($"This payout waits until {new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero):O} because its beneficiary's RIB changed after it was ordered: it cannot be marked paid before."));
        text.Use("ar");
        Assert.Equal("على الأقل 20 حرفاً.", text.Error("At least 20 characters.")); // the plural form of its number
        Assert.Equal("على الأقل 10 أحرف.", text.Error("At least 10 characters."));
        Assert.Equal("على الأكثر 2.000 حرف.", text.Error("At most 2000 characters."));
        Assert.Equal("الدفع بالبطاقة غير متاح على هذه المنصة. ادفعوا بتحويل بنكي.",
            text.Error("Card payments are not available: Stripe is not configured on this marketplace. Pay by bank transfer."));
    }

    [Fact]
    public void Emails_write_counts_amounts_dates_and_codes_in_the_reader_language_and_isolate_typed_values()
    {
        var templates = new Jazari.Marketplace.Web.Notifications.EmailTemplates(new());
        var values = new Dictionary<string, string>
        {
            ["name"] = "Fatima", ["title"] = "متجر إلكتروني", ["category"] = "ecommerce", ["region"] = "Souss-Massa",
            ["budget"] = "15 000 – 30 000", ["deadline"] = "2026-03-03", ["link"] = "https://jazari.ma/sme/needs/n1",
            ["needsLink"] = "https://jazari.ma/startup", ["bids"] = "2", ["days"] = "3", ["startup"] = "Atlas Digital",
        };
        var notification = new Jazari.Marketplace.Grains.Notifications.Notification("k", "few-bids", values, DateTimeOffset.UnixEpoch);
        var ar = templates.Render(notification, "f@example.ma", "ar", values, null);
        Assert.Contains("عرضين", ar.Subject);
        Assert.Contains("<bdi>متجر إلكتروني</bdi>", ar.Html);
        var fr = templates.Render(notification, "f@example.ma", "fr", values, null);
        Assert.Contains("2 offres", fr.Subject);
        Assert.Contains("en 3 jours", fr.Text);
        var match = templates.Render(notification with { Kind = "need-match" }, "f@example.ma", "fr", values, null);
        Assert.Contains("15.000 – 30.000 MAD", match.Text);
        Assert.Contains("3 mars 2026", match.Text);
        Assert.DoesNotContain("ecommerce", match.Text);
        Assert.DoesNotContain("Souss-Massa", templates.Render(notification with { Kind = "need-match" }, "f@example.ma", "ar", values, null).Text);
    }

    [Fact]
    public void Email_subjects_and_text_isolate_what_people_typed_and_the_weekly_needs_are_written_for_each_reader()
    {
        var templates = new Jazari.Marketplace.Web.Notifications.EmailTemplates(new() { PublicUrl = "https://jazari.ma" });
        var values = new Dictionary<string, string>
        {
            ["name"] = "Fatima", ["sender"] = "تعاونية أركان", ["title"] = "Boutique en ligne", ["link"] = "https://jazari.ma/conversations/c1",
            ["excerpt"] = "مرحبا، هل يمكنكم البدء في مارس؟\nShopify ou WooCommerce ?",
        };
        var message = new Jazari.Marketplace.Grains.Notifications.Notification("k", "message-received", values, DateTimeOffset.UnixEpoch);
        var fr = templates.Render(message, "f@example.ma", "fr", values, null);
        // A French subject that starts with an Arabic name: a mail client that takes the first letter's direction would
        // lay the whole line out right to left ("?" and guillemets on the wrong side) without the isolates.
        Assert.Equal("\u2068تعاونية أركان\u2069 vous a écrit au sujet de «\u00a0\u2068Boutique en ligne\u2069\u00a0»", fr.Subject);
        Assert.Contains("\u2068مرحبا، هل يمكنكم البدء في مارس؟\u2069\n\u2068Shopify ou WooCommerce ?\u2069", fr.Text);
        Assert.Contains("<bdi>مرحبا، هل يمكنكم البدء في مارس؟</bdi><br><bdi>Shopify ou WooCommerce ?</bdi>", fr.Html);
        Assert.Contains("Lire et répondre : https://jazari.ma/conversations/c1?lang=fr", fr.Text);

        var weekly = new Dictionary<string, string>
        {
            ["name"] = "Youssef", ["startup"] = "Atlas Digital", ["count"] = "1", ["needsLink"] = "https://jazari.ma/needs",
            ["items"] = System.Text.Json.JsonSerializer.Serialize(new[] { new Jazari.Marketplace.Web.Notifications.EmailTemplates.NeedItem("Boutique en ligne", "Fes-Meknes", new DateOnly(2027, 3, 1), "https://jazari.ma/needs/n1") }),
        };
        var notice = new Jazari.Marketplace.Grains.Notifications.Notification("w", "weekly-needs", weekly, DateTimeOffset.UnixEpoch);
        var ar = templates.Render(notice, "s@example.ma", "ar", weekly, null);
        Assert.Contains("• \u2068Boutique en ligne\u2069 (فاس مكناس، 1 مارس 2027): https://jazari.ma/needs/n1?lang=ar", ar.Text);
        Assert.Contains("<a href=\"https://jazari.ma/needs/n1?lang=ar\">", ar.Html);
        Assert.Contains("• \u2068Boutique en ligne\u2069 (Fès-Meknès, 1 mars 2027): https://jazari.ma/needs/n1?lang=fr", templates.Render(notice, "s@example.ma", "fr", weekly, null).Text);
    }

    [Fact]
    public void Lists_take_the_language_comma_and_isolate_each_typed_item()
    {
        var text = new Text(Strings);
        text.Use("ar");
        // One <bdi> around "WooCommerce, دفع" read right to left showed "دفع ,WooCommerce": each item is isolated.
        Assert.Equal("\u2068WooCommerce\u2069، \u2068دفع إلكتروني\u2069", text.List(["WooCommerce", "دفع إلكتروني"], typed: true));
        text.Use("fr");
        Assert.Equal("Souss-Massa, Fès-Meknès", text.List([text.Region("Souss-Massa"), text.Region("Fes-Meknes")]));
    }

    [Fact]
    public void Match_reasons_name_each_region_as_the_pages_do()
    {
        foreach (var language in new[] { "ar", "fr", "en" })
            foreach (var region in Jazari.Marketplace.Matching.Regions.All)
                Assert.Equal(Strings.Get(language, "region." + region), Jazari.Marketplace.Matching.Regions.Name(language, region));
    }

    [Fact]
    public void Emails_name_roles_currencies_and_the_programme_share_in_the_reader_language_and_have_no_link_to_nowhere()
    {
        var templates = new Jazari.Marketplace.Web.Notifications.EmailTemplates(new());
        Jazari.Marketplace.Web.Email.OutgoingEmail Render(string kind, string language, Dictionary<string, string> values, string? unsubscribe = null) =>
            templates.Render(new Jazari.Marketplace.Grains.Notifications.Notification("k", kind, values, DateTimeOffset.UnixEpoch), "x@example.ma", language, values, unsubscribe);

        var invitation = new Dictionary<string, string> { ["name"] = "Salma", ["role"] = "manager", ["signInLink"] = "https://jazari.ma/sign-in" };
        Assert.Contains("(Responsable d'incubation)", Render("account-invitation", "fr", invitation).Text);
        Assert.Contains("(مسير الاحتضان)", Render("account-invitation", "ar", invitation).Text);

        var transfer = new Dictionary<string, string>
        {
            ["name"] = "Fatima", ["title"] = "Boutique", ["milestone"] = "Maquettes", ["startup"] = "Atlas", ["currency"] = "MAD", ["link"] = "https://jazari.ma/needs/n1",
            ["amount"] = "10500.00", ["reference"] = "PAY-1", ["holder"] = "Jazari", ["bank"] = "BOA", ["rib"] = "011", ["swift"] = "BMCEMAMC", ["programmeShare"] = "4500.00",
        };
        var ar = Render("funding-instructions", "ar", transfer);
        Assert.Contains("10.500 درهم", ar.Text);
        Assert.Contains("يدفع البرنامج 4.500 درهم إضافية.", ar.Text);
        Assert.DoesNotContain("programme pays", ar.Text);
        Assert.Contains("Le programme paie 4.500 MAD de plus.", Render("funding-instructions", "fr", transfer).Text);
        Assert.DoesNotContain("programme", Render("funding-instructions", "fr", new(transfer) { ["programmeShare"] = "" }).Text);

        // The cohort's weekly figures: "15,000" was read as fifteen by the amount format ("15,0 MAD").
        var digest = Jazari.Marketplace.Web.Jobs.CohortDigestJob.Values(new Jazari.Marketplace.Web.Application.DashboardResponse("c1", "Cohorte",
            new(Startups: 2, BidsSubmitted: 3, BidsWon: 1, WinRate: 0.33, RevenueContractedMinor: 1_500_000, RevenueReleasedMinor: 1_250_050,
                MilestonesDelivered: 1, MilestonesOnTime: 1, MentorSessions: 4, Employees: 5, Currency: "MAD"), [], []));
        Assert.Contains("Chiffre contracté : 15.000 MAD", Render("cohort-digest", "fr", new(digest) { ["name"] = "Salma" }).Text);

        // A sign-in code has nothing to unsubscribe from: no footer, no anchor to nowhere.
        var code = Render("sign-in-code", "fr", new() { ["code"] = "123456" });
        Assert.DoesNotContain("href=\"\"", code.Html);
        Assert.DoesNotContain("<hr>", code.Html);
        Assert.Contains("href=\"https://jazari.ma/unsubscribe/t\"", Render("account-invitation", "fr", invitation, "https://jazari.ma/unsubscribe/t").Html);
    }

    /// <summary>Every refusal a command, a check or a grain can make (API handlers aside) has a text in ar, fr and en.</summary>
    [Fact]
    public void Every_refusal_in_the_code_is_written_in_every_language()
    {
        var src = Path.Combine(RepoPaths.Root, "src");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}Apis{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}Pages{Path.DirectorySeparatorChar}"));
        var messages = new HashSet<string>();
        foreach (var file in files)
        {
            var code = File.ReadAllText(file);
            var starts = file.EndsWith("Checks.cs") ? ChecksRefusal() : Refusal();
            foreach (Match start in starts.Matches(code))
            {
                var end = StatementEnd().Match(code, start.Index) is { Success: true } m ? m.Index : -1; // a ';' ending its line (messages hold '; ')
                var statement = code[start.Index..(end < 0 ? code.Length : end)];
                if (statement.Contains("Must be one of", StringComparison.Ordinal)) continue; // a list of codes: "choose one of the options"
                foreach (Match literal in Literal().Matches(statement))
                {
                    var message = Hole().Replace(literal.Groups[1].Value, "7");
                    if (Sentence().IsMatch(message)) messages.Add(message);
                }
            }
        }
        Assert.True(messages.Count > 100, $"Only {messages.Count} refusals found: the scan is broken.");
        var missing = messages.Where(m => Strings.ErrorTemplate(m) is not { } t || !Strings.Has("fr", t.Key) || !Strings.Has("ar", t.Key)).ToList();
        Assert.True(missing.Count == 0, "No text for: " + string.Join(" | ", missing));
    }

    /// <summary>Where a refusal's text starts: a refusal made on the spot, or a sentence kept in a constant for the places that
    /// make the same refusal (<c>ErasedNeed.MissionUnderWay</c>).</summary>
    [GeneratedRegex(@"(?:MarketplaceException\.(?:Conflict|Invalid)|\bTooMany|\bError|new MarketplaceException)\(|\bconst string \w+ = ")]
    private static partial Regex Refusal();

    [GeneratedRegex(@"(?:\bError|\breturn)\b")]
    private static partial Regex ChecksRefusal();

    [GeneratedRegex(@";[ \t]*\r?$", RegexOptions.Multiline)]
    private static partial Regex StatementEnd();

    [GeneratedRegex(@"\$?""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Literal();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex Hole();

    [GeneratedRegex(@"^[A-Z0-9].*[.)]$")]
    private static partial Regex Sentence();
}
