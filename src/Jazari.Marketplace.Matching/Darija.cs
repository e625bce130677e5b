using System.Text;

namespace Jazari.Marketplace.Matching;

/// <summary>
/// Moroccan Darija as SMEs write it: in Arabic script, or in Latin script with digits for the
/// letters French lacks (3 = ع, 7 = ح, 9 = ق, 2 = ء, 5 = خ, 8 = ه, 6 = ط), with its particles and
/// clitics glued to words (l-, f-, d-, b-, -na, -kom) and French words in Darija spelling
/// ("lcompta", "lfacturat", "sit"). Words written either way meet on a consonant skeleton:
/// "mochkil", "مشكيل" and "مشكل" all give مشكل; "l7sabat" and "فالحسابات" both give حسب.
/// </summary>
public static class Darija
{
    /// <summary>Latin words with a digit that are not Darija (b2b, 3d, mp3...).</summary>
    private static readonly HashSet<string> NotArabizi =
        ["b2b", "b2c", "c2c", "b2g", "3d", "2d", "4g", "5g", "3g", "mp3", "mp4", "h264", "i18n", "k8s", "web3", "covid19", "ps5", "a4", "a3", "x3",
         "esp32", "esp8266", "p2p", "m2m", "e2e", "s3", "ec2", "web2"]; // "esp32" read as Arabizi was أسبوع ("week")

    /// <summary>
    /// Darija function words in Latin script (articles, pronouns, "want", "have", "of"...): they say
    /// nothing about a need. Already normalised.
    /// </summary>
    public static readonly HashSet<string> LatinStopWords =
    [
        "dyal", "dial", "dyali", "diali", "dyalna", "dialna", "dyalkom", "dyalek", "dyalo", "dyalha", "dyalhom", "dl", "del",
        "bghit", "bghina", "bgha", "bghaw", "bghiti", "kanbghi", "kanbghiw", "kanbghio", "nbghi", "nbghiw", "baghi", "baghin", "bghit",
        "3andi", "3andna", "3ando", "3andha", "3andhom", "3andkom", "andi", "andna", "3ndi", "3ndna", "3endi", "3endna",
        "chi", "shi", "wa7ed", "wahed", "wa7d", "7ed", "had", "hadi", "hada", "hado", "hadchi", "dak", "dik", "dok",
        "wach", "wash", "kifach", "kifash", "fin", "3lach", "alach", "chno", "achno", "ach", "bach", "bash", "li", "lli", "elli",
        "rah", "rani", "rana", "ra", "ghir", "gha", "bzaf", "bezzaf", "bzzaf", "mzyan", "mezyan", "walo", "7ta", "hta", "hatta",
        "ola", "wla", "wela", "m3a", "ma3a", "m3ana", "3la", "3lina", "ela", "mn", "men", "f", "fi", "fl", "fel", "l", "el", "w", "b",
        "daba", "dima", "kayn", "kayna", "kaynin", "makaynch", "ma", "machi", "mashi", "ana", "7na", "hna", "ntoma", "nta", "nti",
        "howa", "hiya", "homa", "lina", "lik", "likom", "lihom", "liya", "n9albo", "kan9albo", "kanqalbo", "n9lbo", "nl9aw", "nlqaw",
        "y3awna", "y3awnna", "y3awnni", "y3awni", "t3awnna", "y3awenna", "n9dro", "n9der", "kan9dro", "khasna", "khassna", "khasni",
        "khassni", "5asna", "5assna", "bla", "3afak", "3afakom", "salam", "slm", "mrc", "chokran", "choukran", "wlakin", "walakin",
        "ila", "ida", "ta", "tal", "kolchi", "kol", "bhal", "b7al", "b7ala", "ghadi", "ghad", "kan", "kant", "kanet", "kano", "wahd",
        "7aja", "haja", "chwiya", "chwia", "3ad", "ah", "la", "iyeh", "wakha",
    ];

    /// <summary>Latin-script words that only Darija uses: one of them (or an Arabizi word) marks a text as Darija.</summary>
    public static readonly HashSet<string> LatinMarkers =
    [
        "dyal", "dial", "dyali", "diali", "dyalna", "dialna", "dyalkom", "dyalek", "dyalo", "bghit", "bghina", "bgha", "bghaw",
        "kanbghi", "kanbghiw", "nbghi", "nbghiw", "baghi", "baghin", "chi", "shi", "wahed", "hadi", "hada", "hado", "hadchi",
        "wach", "wash", "kifach", "kifash", "chno", "achno", "bach", "lli", "elli", "rani", "rana", "ghir", "bzaf", "bezzaf",
        "mzyan", "walo", "wla", "daba", "dima", "kayn", "kayna", "makaynch", "machi", "lina", "likom", "khasna", "khassna",
        "wlakin", "kolchi", "bhal", "ghadi", "chwiya", "wakha", "mochkil", "mouchkil", "mochkila", "bghit", "khdma", "khedma",
    ];

    /// <summary>The same kind of words in Arabic script (normalised: no hamza on alef, ة as ه, ى as ي).</summary>
    public static readonly HashSet<string> ArabicStopWords =
    [
        "ديال", "ديالي", "ديالنا", "ديالكم", "ديالك", "ديالو", "ديالها", "ديالهم", "دالنا", "بغيت", "بغينا", "بغا", "بغاو", "بغيتي",
        "كنبغي", "كنبغيو", "نبغي", "نبغيو", "باغي", "باغين", "عندي", "عندو", "عندها", "عندهم", "عندكم", "شي", "واحد", "حد", "هاد",
        "هادي", "هادا", "هادو", "هادشي", "داك", "ديك", "واش", "كيفاش", "فين", "علاش", "شنو", "اشنو", "اش", "بش", "لي", "اللي",
        "راه", "راني", "رانا", "را", "غير", "غا", "بزاف", "مزيان", "والو", "ولا", "معانا", "علينا", "ف", "فال", "ل", "ب", "د",
        "دابا", "ديما", "كاين", "كاينه", "كاينين", "ماكاينش", "ماشي", "حنا", "نتوما", "لينا", "ليك", "ليا", "نقلبو", "كنقلبو",
        "نلقاو", "يعاونا", "يعاوننا", "يعاوني", "تعاوننا", "نقدرو", "نقدر", "خاصنا", "خصنا", "خاصني", "خصني", "بلا", "عافاك",
        "السلام", "شكرا", "ولكن", "الا", "اذا", "كلشي", "بحال", "غادي", "كان", "كانت", "كانو", "حاجه", "شويه",
    ];

    /// <summary>A Latin-script word written the Arabizi way: letters with a digit standing for an Arabic letter.</summary>
    public static bool IsArabizi(string word)
    {
        if (word.Length < 2 || NotArabizi.Contains(word))
        {
            return false;
        }
        bool letter = false, arabicDigit = false;
        foreach (var c in word)
        {
            if (c is >= 'a' and <= 'z')
            {
                letter = true;
            }
            else if (c is '2' or '3' or '5' or '7' or '8' or '9' or '6')
            {
                arabicDigit = true;
            }
            else if (char.IsDigit(c))
            {
                return false; // "iso27001"-like codes have other digits too
            }
        }
        return letter && arabicDigit && !word.All(char.IsDigit);
    }

    /// <summary>
    /// Latin-script Darija to Arabic script, letter by letter: "3andi" → عندي, "bghina" → بغينا,
    /// "l7sabat" → لحسابات, "mochkil" → موشكيل. Short vowels are ambiguous in Arabizi, so what matters
    /// for matching is the <see cref="Skeleton"/> of the result.
    /// </summary>
    public static string ToArabic(string latin)
    {
        var sb = new StringBuilder(latin.Length);
        for (var i = 0; i < latin.Length; i++)
        {
            var c = latin[i];
            var next = i + 1 < latin.Length ? latin[i + 1] : '\0';
            switch (c, next)
            {
                case ('c', 'h') or ('s', 'h'): sb.Append('ش'); i++; continue;
                case ('k', 'h'): sb.Append('خ'); i++; continue;
                case ('g', 'h'): sb.Append('غ'); i++; continue;
                case ('o', 'u'): sb.Append('و'); i++; continue;
                case ('t', 'h'): sb.Append('ت'); i++; continue;
                case ('d', 'h'): sb.Append('د'); i++; continue;
                case ('p', 'h'): sb.Append('ف'); i++; continue;
            }
            var mapped = c switch
            {
                'a' => "ا", 'b' => "ب", 'c' => next is 'e' or 'i' ? "س" : "ك", 'd' => "د", 'e' => i == 0 ? "ا" : "", 'f' => "ف",
                'g' => "ك", 'h' => "ه", 'i' => i == 0 ? "ا" : "ي", 'j' => "ج", 'k' => "ك", 'l' => "ل", 'm' => "م", 'n' => "ن",
                'o' => i == 0 ? "ا" : "و", 'p' => "ب", 'q' => "ق", 'r' => "ر", 's' => "س", 't' => "ت", 'u' => i == 0 ? "ا" : "و",
                'v' => "ف", 'w' => "و", 'x' => "كس", 'y' => "ي", 'z' => "ز",
                '2' => "ء", '3' => "ع", '5' => "خ", '6' => "ط", '7' => "ح", '8' => "ه", '9' => "ق",
                _ => c.ToString(),
            };
            sb.Append(mapped);
        }
        return sb.ToString();
    }

    /// <summary>
    /// The consonants of an Arabic-script word, the form Darija spellings agree on: emphatic and plain
    /// letters folded (ص→س, ط→ت, ض/ظ/ذ→د, ث→ت, ڭ→ك), long vowels and hamza dropped after the first letter,
    /// a final ه dropped, doubled letters once.
    /// </summary>
    public static string Skeleton(string arabic)
    {
        var sb = new StringBuilder(arabic.Length);
        for (var i = 0; i < arabic.Length; i++)
        {
            var c = arabic[i] switch
            {
                'ص' => 'س', 'ط' => 'ت', 'ض' or 'ظ' or 'ذ' => 'د', 'ث' => 'ت', 'ڭ' or 'گ' or 'ک' => 'ك', 'ڤ' => 'ف', 'پ' => 'ب',
                'ى' => 'ي', 'ئ' or 'ؤ' => 'ء', var other => other,
            };
            if (i > 0 && c is 'ا' or 'و' or 'ي' or 'ء')
            {
                continue;
            }
            if (i == arabic.Length - 1 && c == 'ه' && sb.Length > 2)
            {
                continue;
            }
            if (sb.Length > 0 && sb[^1] == c)
            {
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// The Darija stem of an Arabic-script word (or of a transliterated Arabizi word): the light stem,
    /// after Darija's own glued "of the" ("دال" as in "دالخدمة") is cut like "ال" and a glued "و" ("and") is cut.
    /// </summary>
    public static string ArabicStem(string arabic)
    {
        foreach (var prefix in DarijaPrefixes)
        {
            if (arabic.Length - prefix.Length >= 3 && arabic.StartsWith(prefix, StringComparison.Ordinal))
            {
                arabic = "ال" + arabic[prefix.Length..];
                break;
            }
        }
        if (arabic.Length >= 5 && arabic[0] == 'و' && !arabic.StartsWith("وال", StringComparison.Ordinal))
        {
            arabic = arabic[1..]; // "and" glued to the word: "ونحميو" is "نحميو"
        }
        return Stemmer.Stem(arabic);
    }

    private static readonly string[] DarijaPrefixes = ["دال"];

    /// <summary>
    /// A Latin-script word without its glued Darija article or preposition ("lcompta" → "compta",
    /// "fl7anout" → "7anout", "dlkhedma" → "khedma"), or the word itself. Only before a consonant, so
    /// "flutter" or "blog" stay whole.
    /// </summary>
    public static string LatinCore(string word)
    {
        foreach (var prefix in LatinPrefixes)
        {
            if (word.Length - prefix.Length >= 3 && word.StartsWith(prefix, StringComparison.Ordinal)
                && IsConsonantOrDigit(word[prefix.Length]) && !(prefix.Length == 1 && IsConsonantCluster(word)))
            {
                return word[prefix.Length..];
            }
        }
        return word;
    }

    private static readonly string[] LatinPrefixes = ["fl", "dl", "bl", "l"];

    private static bool IsConsonantOrDigit(char c) => c is >= 'a' and <= 'z' && "aeiouy".IndexOf(c) < 0 || c is '3' or '7' or '9' or '2' or '5';

    /// <summary>"l" + "l"/"r"/"y"... as in "lloyd": not an article.</summary>
    private static bool IsConsonantCluster(string word) => word.Length > 1 && word[1] is 'l' or 'y' or 'w' or 'h';
}
