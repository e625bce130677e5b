using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// A reproducible synthetic marketplace: startups and needs in 13 categories, each with phrases of
/// the lexicon in three languages plus free words drawn from a Zipf-like vocabulary of 5,000 words
/// (so some words are in most descriptions and many are rare, as in real text).
/// </summary>
public sealed class SyntheticCatalogue(int seed)
{
    private static readonly (string Category, string[] Phrases)[] Topics =
    [
        ("ecommerce", ["boutique en ligne", "WooCommerce", "Shopify", "متجر إلكتروني", "online shop", "paiement à la livraison", "catalogue produits"]),
        ("website", ["site vitrine", "WordPress", "web design", "موقع إلكتروني", "landing page", "site multilingue", "React"]),
        ("erp", ["Odoo", "facturation électronique", "gestion de stock", "الفوترة الإلكترونية", "inventory", "comptabilité", "Sage"]),
        ("crm", ["CRM", "fidélisation", "HubSpot", "إدارة علاقات العملاء", "customer loyalty", "call center", "Salesforce"]),
        ("cybersecurity", ["pentest", "audit de sécurité", "ISO 27001", "الأمن السيبراني", "firewall", "backup", "data protection"]),
        ("cloud", ["Azure", "AWS", "Microsoft 365", "الحوسبة السحابية", "cloud migration", "DevOps", "hébergement"]),
        ("data-ai", ["chatbot", "tableau de bord", "machine learning", "تحليل البيانات", "forecasting", "NLP", "Python"]),
        ("automation", ["WhatsApp", "Zapier", "dématérialisation", "أتمتة العمليات", "Excel", "automation", "OCR"]),
        ("digital-marketing", ["réseaux sociaux", "SEO", "Google Ads", "التسويق الرقمي", "content creation", "branding", "newsletter"]),
        ("mobile-app", ["Flutter", "application mobile", "Android", "تطبيق الهاتف", "iOS", "delivery app", "React Native"]),
        ("training", ["formation", "e-learning", "compétences numériques", "التكوين", "Moodle", "security awareness", "workshop"]),
        ("iot", ["capteurs", "irrigation intelligente", "LoRaWAN", "إنترنت الأشياء", "cold chain", "GPS", "Arduino"]),
        ("fintech-payments", ["CMI", "paiement en ligne", "mobile wallet", "الأداء الإلكتروني", "Stripe", "point of sale", "passerelle de paiement"]),
    ];

    private static readonly string[] Vocabulary = Enumerable.Range(0, 5000).Select(i => "mot" + i.ToString("x")).ToArray();

    private readonly Random random = new(seed);

    public List<StartupProfile> Startups(int count) => Enumerable.Range(0, count).Select(i => Startup($"startup-{i:D6}")).ToList();

    public List<NeedProfile> Needs(int count) => Enumerable.Range(0, count).Select(i => Need($"need-{i:D5}")).ToList();

    public StartupProfile Startup(string id)
    {
        var (category, phrases) = Topics[random.Next(Topics.Length)];
        var min = random.Next(5, 80) * 1_000L;
        var served = random.Next(3) == 0 ? new[] { "*" } : new[] { Region(), Region(), Region() };
        var capacity = random.Next(1, 6);
        return new StartupProfile(id, "Startup " + id, Region(), [category],
            [Pick(phrases), Pick(phrases), Pick(phrases), Pick(phrases)],
            $"{Pick(phrases)} {Words(8)} {Pick(phrases)} {Words(8)} {Pick(phrases)}",
            random.Next(3) == 0 ? ["ar", "fr"] : ["fr", "en"], min * 100, (min + random.Next(5, 150) * 1_000L) * 100,
            served, capacity, random.Next(0, capacity + 1), random.Next(30, 51) / 10.0, random.Next(0, 80));
    }

    public NeedProfile Need(string id)
    {
        var (category, phrases) = Topics[random.Next(Topics.Length)];
        var max = random.Next(20, 200) * 1_000L;
        return new NeedProfile(id, $"{Pick(phrases)} {Words(2)}", $"{Pick(phrases)} {Words(10)} {Pick(phrases)}",
            random.Next(5) == 0 ? "other" : category, [Pick(phrases)], max * 40, max * 100, Region(), random.Next(2) == 0,
            Pick(["ar", "fr", "en"]));
    }

    private string Region() => Regions.All[random.Next(Regions.All.Count)];

    private string Pick(string[] items) => items[random.Next(items.Length)];

    /// <summary>Free words, Zipf-like: word i is drawn with probability about 1/(i+1).</summary>
    private string Words(int count) => string.Join(' ', Enumerable.Range(0, count)
        .Select(_ => Vocabulary[(int)Math.Min(Vocabulary.Length - 1, Math.Exp(random.NextDouble() * Math.Log(Vocabulary.Length)) - 1)]));
}
