using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Jazari.Marketplace.Web.Tests.Infrastructure;

/// <summary>
/// Checks the Azure deployment that <c>azd up</c> creates, on the ARM template compiled from
/// <c>infra/main.bicep</c> by <c>infra/build.sh</c> (<c>infra/out/main.json</c>).
/// Modules compile to nested <c>Microsoft.Resources/deployments</c>; resources are found by type
/// wherever they are nested, and <c>[parameters('x')]</c> / <c>[variables('x')]</c> values are
/// followed up the nesting to the literal or default they come from.
/// </summary>
public sealed partial class AzureTemplateTests
{
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    private static readonly Lazy<ArmTemplate> CompiledTemplate = new(ArmTemplate.Load);

    private static ArmTemplate Template => CompiledTemplate.Value;

    [Fact]
    public void Deployment_is_at_subscription_scope_and_tags_its_resource_group_for_azd()
    {
        Assert.Contains("subscriptionDeploymentTemplate", Template.Root.GetProperty("$schema").GetString(), StringComparison.Ordinal);

        var group = Template.Single("Microsoft.Resources/resourceGroups");
        var tags = Template.Resolve(group.Element.GetProperty("tags"), group.Scope).Value;
        Assert.Equal(JsonValueKind.Object, tags.ValueKind);
        Assert.True(tags.TryGetProperty("azd-env-name", out _), "the resource group needs the azd-env-name tag");
    }

    [Fact]
    public void App_service_plan_is_linux_premium_v3_with_at_least_two_instances()
    {
        var plan = Template.Single("Microsoft.Web/serverfarms");

        Assert.True(Template.ResolveBool(plan.Element.GetProperty("properties").GetProperty("reserved"), plan.Scope),
            "a Linux plan has properties.reserved = true");

        var sku = plan.Element.GetProperty("sku");
        var skuName = Template.Resolve(sku.GetProperty("name"), plan.Scope);
        Assert.Matches(PremiumV3, skuName.Value.GetString()!);
        foreach (var allowed in skuName.Declarations.Where(d => d.TryGetProperty("allowedValues", out _))
                     .SelectMany(d => d.GetProperty("allowedValues").EnumerateArray()))
        {
            // VNet integration with private ports, which the silos talk over, needs Premium v3.
            Assert.Matches(PremiumV3, allowed.GetString()!);
        }

        var capacity = Template.Resolve(sku.GetProperty("capacity"), plan.Scope);
        Assert.Equal(JsonValueKind.Number, capacity.Value.ValueKind);
        Assert.True(capacity.Value.GetInt32() >= 2, $"the plan runs {capacity.Value.GetInt32()} instance(s); at least 2 silos are needed");
        if (capacity.Declarations.Count > 0)
        {
            Assert.True(capacity.Declarations.Any(d => d.TryGetProperty("minValue", out var min) && min.GetInt32() >= 2),
                "the instance count is a parameter: it must declare minValue >= 2 so that no deployment runs a single silo");
        }
    }

    [Fact]
    public void Web_app_has_a_managed_identity_health_check_always_on_https_and_the_azd_service_tag()
    {
        var site = WebApp();
        var properties = site.Element.GetProperty("properties");
        var siteConfig = properties.GetProperty("siteConfig");

        var identityType = Template.ResolveString(site.Element.GetProperty("identity").GetProperty("type"), site.Scope);
        Assert.True(identityType.Contains("SystemAssigned", StringComparison.Ordinal) || identityType.Contains("UserAssigned", StringComparison.Ordinal),
            $"the web app needs a managed identity, has '{identityType}'");
        if (identityType.Contains("UserAssigned", StringComparison.Ordinal))
        {
            Assert.NotEmpty(site.Element.GetProperty("identity").GetProperty("userAssignedIdentities").EnumerateObject());
            Assert.NotEmpty(Template.OfType("Microsoft.ManagedIdentity/userAssignedIdentities"));
            // Without it, Key Vault references are resolved with a system identity the app does not have.
            Assert.True(properties.TryGetProperty("keyVaultReferenceIdentity", out var kvIdentity) && Template.ResolveString(kvIdentity, site.Scope).Length > 0,
                "with a user-assigned identity, keyVaultReferenceIdentity must name it");
            Assert.True(AppSettings(site).ContainsKey("AZURE_CLIENT_ID"),
                "with a user-assigned identity, AZURE_CLIENT_ID tells DefaultAzureCredential which identity to use");
        }

        Assert.Equal("/healthz", Template.ResolveString(siteConfig.GetProperty("healthCheckPath"), site.Scope));
        Assert.True(Template.ResolveBool(siteConfig.GetProperty("alwaysOn"), site.Scope), "alwaysOn keeps the silos running");
        Assert.True(Template.ResolveBool(properties.GetProperty("httpsOnly"), site.Scope), "httpsOnly");
        Assert.StartsWith("DOTNETCORE|", Template.ResolveString(siteConfig.GetProperty("linuxFxVersion"), site.Scope), StringComparison.Ordinal);

        var tags = site.Element.GetProperty("tags");
        var resolvedTags = Template.Resolve(tags, site.Scope).Value;
        var tagged = resolvedTags.ValueKind == JsonValueKind.Object
            ? resolvedTags.TryGetProperty("azd-service-name", out var serviceName) && Template.ResolveString(serviceName, site.Scope) == "web"
            : AzdServiceWebTag.IsMatch(resolvedTags.GetString() ?? "");
        Assert.True(tagged, $"the web app needs the tag azd-service-name: web (azure.yaml's service), has {tags}");
    }

    [Fact]
    public void Web_app_is_vnet_integrated_with_private_ports_for_the_silo_and_the_gateway()
    {
        var site = WebApp();
        var properties = site.Element.GetProperty("properties");

        Assert.True(properties.TryGetProperty("virtualNetworkSubnetId", out var subnetId) && Template.ResolveString(subnetId, site.Scope).Length > 0,
            "the web app needs VNet integration (virtualNetworkSubnetId)");

        var ports = Template.Resolve(properties.GetProperty("siteConfig").GetProperty("vnetPrivatePortsCount"), site.Scope).Value;
        Assert.Equal(JsonValueKind.Number, ports.ValueKind);
        Assert.True(ports.GetInt32() >= 2, "Orleans needs two private ports: silo and gateway");

        var delegations = Template.OfType("Microsoft.Network/virtualNetworks")
            .SelectMany(vnet => vnet.Element.GetProperty("properties").GetProperty("subnets").EnumerateArray())
            .Concat(Template.OfType("Microsoft.Network/virtualNetworks/subnets").Select(s => s.Element))
            .SelectMany(subnet => subnet.GetProperty("properties").TryGetProperty("delegations", out var d) ? d.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Select(d => d.GetProperty("properties").GetProperty("serviceName").GetString());
        Assert.Contains("Microsoft.Web/serverFarms", delegations, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void Storage_account_takes_no_shared_key_no_public_blob_and_tls_1_2_at_least()
    {
        var storage = Template.Single("Microsoft.Storage/storageAccounts");
        var properties = storage.Element.GetProperty("properties");

        Assert.False(Template.ResolveBool(properties.GetProperty("allowSharedKeyAccess"), storage.Scope), "allowSharedKeyAccess must be false");
        Assert.False(Template.ResolveBool(properties.GetProperty("allowBlobPublicAccess"), storage.Scope), "allowBlobPublicAccess must be false");
        Assert.Equal("TLS1_2", Template.ResolveString(properties.GetProperty("minimumTlsVersion"), storage.Scope));
    }

    [Theory]
    [InlineData(StorageTableDataContributor, "Storage Table Data Contributor")]
    [InlineData(StorageBlobDataContributor, "Storage Blob Data Contributor")]
    public void App_identity_has_a_data_role_on_the_storage_account(string roleId, string roleName)
    {
        AssertAppIdentityHasRole(roleId, "Microsoft.Storage/storageAccounts", roleName);
    }

    [Fact]
    public void Key_vault_uses_rbac_and_the_app_identity_is_secrets_user()
    {
        var vault = Template.Single("Microsoft.KeyVault/vaults");
        Assert.True(Template.ResolveBool(vault.Element.GetProperty("properties").GetProperty("enableRbacAuthorization"), vault.Scope),
            "the vault uses Azure RBAC, not access policies");

        AssertAppIdentityHasRole(KeyVaultSecretsUser, "Microsoft.KeyVault/vaults", "Key Vault Secrets User");
    }

    [Theory]
    [InlineData("Stripe__SecretKey")]
    [InlineData("Stripe__WebhookSecret")]
    [InlineData("Stripe__ConnectWebhookSecret")]
    [InlineData("SendGrid__ApiKey")]
    [InlineData("SendGrid__WebhookPublicKey")]
    public void Payment_and_email_secrets_are_key_vault_references(string setting)
    {
        var site = WebApp();
        var value = SettingValue(site, setting);

        var secretName = KeyVaultSecretName(value);
        Assert.True(secretName is not null, $"{setting} must be a Key Vault reference with a literal secret name, is {value}");
        Assert.True(SecretResources(secretName!).Any(),
            $"{setting} refers to secret '{secretName}', which no Microsoft.KeyVault/vaults/secrets resource of the template writes");
    }

    [Fact]
    public void Hangfire_runs_on_the_postgresql_flexible_server()
    {
        var site = WebApp();
        Assert.Equal("postgres", SettingValue(site, "Hangfire__Storage"));

        var servers = Template.OfType("Microsoft.DBforPostgreSQL/flexibleServers").ToList();
        Assert.Single(servers);
        Assert.NotEmpty(Template.OfType("Microsoft.DBforPostgreSQL/flexibleServers/databases"));

        var connection = SettingValue(site, "ConnectionStrings__hangfire");
        var secretName = KeyVaultSecretName(connection);
        string connectionString;
        if (secretName is null)
        {
            // Microsoft Entra authentication: no password, so the setting can hold the connection string itself.
            Assert.DoesNotContain("Password=", connection, StringComparison.OrdinalIgnoreCase);
            connectionString = connection;
        }
        else
        {
            var secret = Assert.Single(SecretResources(secretName));
            connectionString = Template.ExpandVariables(secret.Element.GetProperty("properties").GetProperty("value").GetString() ?? "", secret.Scope);
        }

        Assert.Contains("Microsoft.DBforPostgreSQL/flexibleServers", connectionString, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("fullyQualifiedDomainName", connectionString, StringComparison.Ordinal);
        Assert.Contains("Database=", connectionString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Postgresql_has_no_public_endpoint()
    {
        var server = Template.Single("Microsoft.DBforPostgreSQL/flexibleServers");
        var network = server.Element.GetProperty("properties").GetProperty("network");

        Assert.Equal("Disabled", Template.ResolveString(network.GetProperty("publicNetworkAccess"), server.Scope));
        Assert.True(Template.ResolveString(network.GetProperty("delegatedSubnetResourceId"), server.Scope).Length > 0,
            "private access: the server lives in a delegated subnet of the VNet");
        Assert.True(Template.ResolveString(network.GetProperty("privateDnsZoneArmResourceId"), server.Scope).Length > 0,
            "private access needs the private DNS zone the app resolves the server in");
    }

    [Fact]
    public void Application_insights_on_log_analytics_receives_the_host_telemetry()
    {
        Assert.NotEmpty(Template.OfType("Microsoft.OperationalInsights/workspaces"));
        var insights = Template.Single("Microsoft.Insights/components");
        var workspace = Template.ResolveString(insights.Element.GetProperty("properties").GetProperty("WorkspaceResourceId"), insights.Scope);
        Assert.Contains("Microsoft.OperationalInsights/workspaces", workspace, StringComparison.OrdinalIgnoreCase);

        var connectionString = SettingValue(WebApp(), "APPLICATIONINSIGHTS_CONNECTION_STRING");
        Assert.True(
            (connectionString.Contains("Microsoft.Insights/components", StringComparison.OrdinalIgnoreCase) && connectionString.Contains("ConnectionString", StringComparison.Ordinal))
            || KeyVaultSecretName(connectionString) is not null,
            $"APPLICATIONINSIGHTS_CONNECTION_STRING must come from the Application Insights resource, is {connectionString}");
    }

    [Fact]
    public void App_settings_reach_storage_with_the_identity_and_cluster_in_azure_table()
    {
        var site = WebApp();
        var settings = AppSettings(site);

        Assert.True(SettingValue(site, "Storage__TableServiceUri").Length > 0);
        Assert.True(SettingValue(site, "Storage__BlobServiceUri").Length > 0);
        Assert.DoesNotContain(settings.Keys, name => name.StartsWith("Storage__", StringComparison.Ordinal) && name.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("ConnectionStrings__storage", settings.Keys, StringComparer.OrdinalIgnoreCase);
        foreach (var name in settings.Keys)
        {
            var value = SettingValue(site, name);
            Assert.DoesNotContain("AccountKey=", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("UseDevelopmentStorage", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("listKeys(", value, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal("AzureTable", SettingValue(site, "Silo__Clustering"));
        Assert.True(SettingValue(site, "Silo__ClusterId").Length > 0);
        Assert.True(SettingValue(site, "Silo__ServiceId").Length > 0);
        Assert.Equal("false", SettingValue(site, "Demo__Enabled"), ignoreCase: true);
        Assert.Equal("/home/data", SettingValue(site, "JAZARI_DATA_DIR"));
    }

    [Fact]
    public void Azure_yaml_deploys_the_web_project_to_app_service()
    {
        var path = Path.Combine(ArmTemplate.RepositoryRoot, "azure.yaml");
        Assert.True(File.Exists(path), "azure.yaml is missing at the repository root");
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).ToList();

        Assert.Contains("web:", lines);
        Assert.Contains("host: appservice", lines);
        Assert.Contains("language: dotnet", lines);
        var project = lines.Single(l => l.StartsWith("project:", StringComparison.Ordinal))["project:".Length..].Trim();
        Assert.Equal("./src/Jazari.Marketplace.Web", project);
        Assert.True(File.Exists(Path.Combine(ArmTemplate.RepositoryRoot, "src", "Jazari.Marketplace.Web", "Jazari.Marketplace.Web.csproj")),
            "azure.yaml's web project has no csproj");
    }

    private static readonly Regex PremiumV3 = new(@"^P\d+v3$", RegexOptions.CultureInvariant);
    private static readonly Regex AzdServiceWebTag = new(@"'azd-service-name',\s*'web'", RegexOptions.CultureInvariant);
    private static readonly Regex KeyVaultReference = new(@"@Microsoft\.KeyVault\((?<body>[^)]*)\)", RegexOptions.CultureInvariant);
    private static readonly Regex SecretNameInReference = new(@"(?:^|;)\s*SecretName=(?<name>[A-Za-z0-9-]+)\s*(?:;|$)", RegexOptions.CultureInvariant);
    private static readonly Regex SecretNameInUri = new(@"SecretUri=\S*?/secrets/(?<name>[A-Za-z0-9-]+)", RegexOptions.CultureInvariant);

    private static ArmResource WebApp() => Template.Single("Microsoft.Web/sites");

    private static Dictionary<string, JsonElement> AppSettings(ArmResource site)
    {
        var settings = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (site.Element.GetProperty("properties").TryGetProperty("siteConfig", out var siteConfig)
            && siteConfig.TryGetProperty("appSettings", out var list)
            && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                settings[item.GetProperty("name").GetString()!] = item.GetProperty("value");
            }
        }

        // Settings may also be written by a sites/config 'appsettings' resource.
        foreach (var config in Template.OfType("Microsoft.Web/sites/config"))
        {
            var name = config.Element.GetProperty("name").GetString() ?? "";
            if (name.Contains("appsettings", StringComparison.OrdinalIgnoreCase)
                && config.Element.GetProperty("properties").ValueKind == JsonValueKind.Object)
            {
                foreach (var property in config.Element.GetProperty("properties").EnumerateObject())
                {
                    settings[property.Name] = property.Value;
                }
            }
        }

        return settings;
    }

    /// <summary>The setting's value, followed through parameters; expressions are returned as their text.</summary>
    private static string SettingValue(ArmResource site, string name)
    {
        var settings = AppSettings(site);
        Assert.True(settings.TryGetValue(name, out var value), $"the web app has no app setting {name}");
        var resolved = Template.Resolve(value, site.Scope).Value;
        var text = resolved.ValueKind == JsonValueKind.String ? resolved.GetString()! : resolved.GetRawText();
        return Template.ExpandVariables(text, site.Scope);
    }

    private static string? KeyVaultSecretName(string value)
    {
        var reference = KeyVaultReference.Match(value);
        if (!reference.Success)
        {
            return null;
        }

        var body = reference.Groups["body"].Value;
        var byName = SecretNameInReference.Match(body);
        if (byName.Success)
        {
            return byName.Groups["name"].Value;
        }

        var byUri = SecretNameInUri.Match(body);
        return byUri.Success ? byUri.Groups["name"].Value : null;
    }

    private static IEnumerable<ArmResource> SecretResources(string secretName) =>
        Template.OfType("Microsoft.KeyVault/vaults/secrets").Where(secret =>
        {
            var name = secret.Element.GetProperty("name").GetString() ?? "";
            return name.EndsWith("/" + secretName, StringComparison.Ordinal)
                || name.Contains("'" + secretName + "'", StringComparison.Ordinal)
                || name.Contains("/" + secretName + "'", StringComparison.Ordinal);
        });

    private static void AssertAppIdentityHasRole(string roleId, string scopeType, string roleName)
    {
        var site = WebApp();
        var identityType = Template.ResolveString(site.Element.GetProperty("identity").GetProperty("type"), site.Scope);
        var principalSource = identityType.Contains("UserAssigned", StringComparison.Ordinal)
            ? "Microsoft.ManagedIdentity/userAssignedIdentities"
            : "Microsoft.Web/sites";

        var matching = Template.OfType("Microsoft.Authorization/roleAssignments").Where(assignment =>
        {
            var properties = assignment.Element.GetProperty("properties");
            var role = Template.ExpandVariables(Template.ResolveString(properties.GetProperty("roleDefinitionId"), assignment.Scope), assignment.Scope);
            var scope = assignment.Element.TryGetProperty("scope", out var s) ? Template.ExpandVariables(Template.ResolveString(s, assignment.Scope), assignment.Scope) : "";
            var principal = Template.ExpandVariables(Template.ResolveString(properties.GetProperty("principalId"), assignment.Scope), assignment.Scope);
            return role.Contains(roleId, StringComparison.OrdinalIgnoreCase)
                && scope.Contains(scopeType, StringComparison.OrdinalIgnoreCase)
                && principal.Contains(principalSource, StringComparison.OrdinalIgnoreCase)
                && principal.Contains("principalId", StringComparison.Ordinal);
        }).ToList();

        Assert.True(matching.Count > 0,
            $"no role assignment gives the web app's identity ({principalSource}) {roleName} ({roleId}) scoped to the {scopeType}");
    }

    /// <summary>A resource of the compiled template and the (nested) template that declares it.</summary>
    private sealed record ArmResource(JsonElement Element, ArmScope Scope)
    {
        public string Type => Element.GetProperty("type").GetString() ?? "";
    }

    /// <summary>
    /// A template and, for a module, the <c>Microsoft.Resources/deployments</c> resource that holds it
    /// (whose <c>properties.parameters</c> give its parameters) inside its parent scope.
    /// </summary>
    private sealed record ArmScope(JsonElement Template, JsonElement? Deployment, ArmScope? Parent);

    /// <summary>A value followed through parameters and variables, with the parameter declarations passed through.</summary>
    private sealed record ResolvedValue(JsonElement Value, IReadOnlyList<JsonElement> Declarations);

    private sealed partial class ArmTemplate
    {
        private ArmTemplate(JsonElement root)
        {
            Root = root;
            Resources = Collect(new ArmScope(root, null, null)).ToList();
        }

        public JsonElement Root { get; }

        public IReadOnlyList<ArmResource> Resources { get; }

        public static string RepositoryRoot { get; } = FindRepositoryRoot();

        public static ArmTemplate Load()
        {
            var path = Path.Combine(RepositoryRoot, "infra", "out", "main.json");
            if (!File.Exists(path))
            {
                Assert.Fail($"{path} is missing: run `bash infra/build.sh` first; it compiles infra/main.bicep with the Bicep CLI into infra/out/main.json.");
            }

            var compiledAt = File.GetLastWriteTimeUtc(path);
            var infra = Path.Combine(RepositoryRoot, "infra");
            var modules = Path.Combine(infra, "modules");
            var newerSource = Directory.EnumerateFiles(infra, "*.bicep")
                .Concat(Directory.Exists(modules) ? Directory.EnumerateFiles(modules, "*.bicep", SearchOption.AllDirectories) : [])
                .FirstOrDefault(source => File.GetLastWriteTimeUtc(source) > compiledAt);
            if (newerSource is not null)
            {
                Assert.Fail($"{newerSource} changed after {path} was compiled: run `bash infra/build.sh` again.");
            }

            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return new ArmTemplate(document.RootElement.Clone());
        }

        public IEnumerable<ArmResource> OfType(string type) =>
            Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

        public ArmResource Single(string type)
        {
            var found = OfType(type).ToList();
            Assert.True(found.Count == 1, $"expected exactly one {type} in infra/out/main.json, found {found.Count}");
            return found[0];
        }

        /// <summary>Follows <c>[parameters('x')]</c> (to the value the enclosing deployment passes, else the default) and <c>[variables('x')]</c>.</summary>
        public ResolvedValue Resolve(JsonElement value, ArmScope scope)
        {
            var declarations = new List<JsonElement>();
            for (var hops = 0; hops < 64; hops++)
            {
                if (value.ValueKind != JsonValueKind.String)
                {
                    break;
                }

                var text = value.GetString()!;
                var parameter = ParameterReference().Match(text);
                if (parameter.Success)
                {
                    var name = parameter.Groups["name"].Value;
                    JsonElement declaration = default;
                    var declared = scope.Template.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty(name, out declaration);
                    if (declared)
                    {
                        declarations.Add(declaration);
                    }

                    if (scope.Deployment is { } deployment
                        && deployment.GetProperty("properties").TryGetProperty("parameters", out var given)
                        && given.TryGetProperty(name, out var passed)
                        && passed.TryGetProperty("value", out var passedValue))
                    {
                        value = passedValue;
                        scope = scope.Parent!;
                        continue;
                    }

                    if (declared && declaration.TryGetProperty("defaultValue", out var defaultValue))
                    {
                        value = defaultValue;
                        continue;
                    }

                    break;
                }

                var variable = VariableReference().Match(text);
                if (variable.Success
                    && scope.Template.TryGetProperty("variables", out var variables)
                    && variables.TryGetProperty(variable.Groups["name"].Value, out var variableValue))
                {
                    value = variableValue;
                    continue;
                }

                break;
            }

            return new ResolvedValue(value, declarations);
        }

        public string ResolveString(JsonElement value, ArmScope scope)
        {
            var resolved = Resolve(value, scope).Value;
            return resolved.ValueKind == JsonValueKind.String ? resolved.GetString()! : resolved.GetRawText();
        }

        public bool ResolveBool(JsonElement value, ArmScope scope)
        {
            var resolved = Resolve(value, scope).Value;
            Assert.True(resolved.ValueKind is JsonValueKind.True or JsonValueKind.False,
                $"expected a literal boolean, found {resolved.GetRawText()}");
            return resolved.GetBoolean();
        }

        /// <summary>Replaces <c>variables('x')</c> inside an expression by the variable's string value, quoted.</summary>
        public string ExpandVariables(string expression, ArmScope scope) =>
            VariableInExpression().Replace(expression, match =>
                scope.Template.TryGetProperty("variables", out var variables)
                && variables.TryGetProperty(match.Groups["name"].Value, out var value)
                && value.ValueKind == JsonValueKind.String
                    ? "'" + value.GetString() + "'"
                    : match.Value);

        private static IEnumerable<ArmResource> Collect(ArmScope scope)
        {
            if (!scope.Template.TryGetProperty("resources", out var resources))
            {
                yield break;
            }

            // languageVersion 2.0 templates keep resources in an object keyed by symbolic name.
            var items = resources.ValueKind == JsonValueKind.Object
                ? resources.EnumerateObject().Select(p => p.Value)
                : resources.EnumerateArray();
            foreach (var resource in items)
            {
                if (resource.TryGetProperty("existing", out var existing) && existing.ValueKind == JsonValueKind.True)
                {
                    continue;
                }

                var found = new ArmResource(resource, scope);
                yield return found;

                if (string.Equals(found.Type, "Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase)
                    && resource.GetProperty("properties").TryGetProperty("template", out var nested))
                {
                    foreach (var inner in Collect(new ArmScope(nested, resource, scope)))
                    {
                        yield return inner;
                    }
                }
            }
        }

        private static string FindRepositoryRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Jazari.Marketplace.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException($"Jazari.Marketplace.sln not found above {AppContext.BaseDirectory}");
        }

        [GeneratedRegex(@"^\[parameters\('(?<name>[^']+)'\)\]$", RegexOptions.CultureInvariant)]
        private static partial Regex ParameterReference();

        [GeneratedRegex(@"^\[variables\('(?<name>[^']+)'\)\]$", RegexOptions.CultureInvariant)]
        private static partial Regex VariableReference();

        [GeneratedRegex(@"variables\('(?<name>[^']+)'\)", RegexOptions.CultureInvariant)]
        private static partial Regex VariableInExpression();
    }
}
