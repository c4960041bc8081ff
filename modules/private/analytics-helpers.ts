import { AwsContext } from "../aws-context";
import * as defaults from "./defaults";
import { EventLayout, PartitionKey } from "./event-layout";
import { PolicyStatement } from "./policy";

/** Athena partition projection for `layout`: one set of `projection.<key>.*` per key, in prefix order. */
export function projectionParameters(layout: EventLayout, firstYear: number, bucketName: string): Record<string, string> {
  const parameters: Record<string, string> = { "projection.enabled": "true" };
  for (const key of layout.keys) Object.assign(parameters, keyProjection(key, firstYear));
  // `$${` keeps Terraform from reading Athena's `${key}` placeholders as interpolations.
  parameters["storage.location.template"] = `s3://${bucketName}/${layout.template.replace(/\$\{/g, () => "$${")}`;
  return parameters;
}

function keyProjection(key: PartitionKey, firstYear: number): Record<string, string> {
  const at = `projection.${key.name}`;
  const projection = key.projection;
  switch (projection.type) {
    case "enum":
      return { [`${at}.type`]: "enum", [`${at}.values`]: projection.values.join(",") };
    case "integer":
      return { [`${at}.type`]: "integer", [`${at}.range`]: `${projection.min},${projection.max}`, [`${at}.digits`]: `${projection.digits}` };
    case "year":
      return {
        [`${at}.type`]: "date",
        [`${at}.format`]: "yyyy",
        [`${at}.range`]: `${firstYear},NOW`,
        [`${at}.interval`]: "1",
        [`${at}.interval.unit`]: "YEARS",
      };
  }
}

/** `s3:ListBucket` on `bucketArn`, only under `prefixes`. */
function listing(sid: string, bucketArn: string, prefixes: readonly string[]): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["s3:ListBucket"],
    Resource: [bucketArn],
    Condition: { StringLike: { "s3:prefix": prefixes.map((prefix) => `${prefix}*`) } },
  };
}

interface ReaderScope {
  readonly workgroupArn: string;
  readonly databaseName: string;
  readonly tableNames: readonly string[];
  /** Per table, its location and `objects`: the keys of the partitions' folders, each partition value a `*`. */
  readonly events: { readonly bucketArn: string; readonly layouts: ReadonlyArray<{ readonly prefix: string; readonly objects: string }> };
  readonly results: { readonly bucketArn: string; readonly prefix: string };
  readonly kmsKeyArn?: string | undefined;
}

export function readerStatements(aws: AwsContext, scope: ReaderScope): PolicyStatement[] {
  const { events, results } = scope;
  const eventPrefixes = events.layouts.map((over) => over.prefix);
  const buckets = [...new Set([events.bucketArn, results.bucketArn])];
  const statements: PolicyStatement[] = [
    {
      Sid: "RunQueriesInWorkgroup",
      Effect: "Allow",
      Action: [
        "athena:BatchGetNamedQuery",
        "athena:BatchGetQueryExecution",
        "athena:GetNamedQuery",
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:GetQueryResultsStream",
        "athena:GetQueryRuntimeStatistics",
        "athena:GetWorkGroup",
        "athena:ListNamedQueries",
        "athena:ListQueryExecutions",
        "athena:StartQueryExecution",
        "athena:StopQueryExecution",
      ],
      Resource: [scope.workgroupArn],
    },
    {
      Sid: "BrowseCatalogInAthena",
      Effect: "Allow",
      Action: ["athena:GetDataCatalog", "athena:GetDatabase", "athena:GetTableMetadata", "athena:ListDatabases", "athena:ListTableMetadata"],
      Resource: [aws.arn("athena", `datacatalog/${defaults.ATHENA_DATA_CATALOG}`)],
    },
    {
      Sid: "ReadEventTable",
      Effect: "Allow",
      Action: ["glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable"],
      Resource: [
        aws.arn("glue", "catalog"),
        aws.arn("glue", `database/${scope.databaseName}`),
        ...scope.tableNames.map((name) => aws.arn("glue", `table/${scope.databaseName}/${name}`)),
      ],
    },
    { Sid: "LocateBuckets", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: buckets },
    ...(events.bucketArn === results.bucketArn
      ? [listing("ListEventsAndResults", events.bucketArn, [...eventPrefixes, results.prefix])]
      : [listing("ListEvents", events.bucketArn, eventPrefixes), listing("ListResults", results.bucketArn, [results.prefix])]),
    { Sid: "ReadEvents", Effect: "Allow", Action: ["s3:GetObject"], Resource: events.layouts.map((over) => `${events.bucketArn}/${over.objects}*`) },
    {
      Sid: "ReadAndWriteQueryResults",
      Effect: "Allow",
      Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
      Resource: [`${results.bucketArn}/${results.prefix}*`],
    },
  ];
  if (scope.kmsKeyArn !== undefined) {
    statements.push({
      Sid: "DecryptEventsAndEncryptResults",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: [scope.kmsKeyArn],
      Condition: { StringEquals: { "kms:ViaService": `s3.${aws.region}.${aws.dnsSuffix}` } },
    });
  }
  return statements;
}
