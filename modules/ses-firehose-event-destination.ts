import { Construct } from "constructs";
import { TerraformProvider, TerraformStack } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KinesisFirehoseDeliveryStream } from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream";
import { Sesv2ConfigurationSetEventDestination } from "@cdktf/provider-aws/lib/sesv2-configuration-set-event-destination";
import { AwsContext } from "./aws-context";
import type { DeliveryStreamOptions, ImportExistingOptions } from "./delivery-stream-options";
import { ConfigurationSet, ConfigurationSetOptions } from "./configuration-set";
import { DeliveryAlarmOptions, DeliveryAlarms, alarmTopicNamePrefix } from "./delivery-alarms";
import { EventAnalytics, EventAnalyticsOptions } from "./event-analytics";
import { EventBucket } from "./event-bucket";
import { EventKey } from "./event-key";
import { PipelineDashboard, PipelineDashboardOptions, dashboardName } from "./pipeline-dashboard";
import { SesEventType } from "./ses-event-type";
import { checkDestination, checkPropKinds } from "./private/check-destination";
import { literalRegion } from "./private/helpers";
import { defined } from "./private/defined";
import { plainProps } from "./private/validation";
import { createDeliveryStream } from "./private/delivery-stream";
import { PhysicalNames, physicalNamesOf, providerScope } from "./private/physical-names";
import { DESTINATION_PROPS } from "./private/prop-shapes";
import { resolveDestination } from "./private/resolve";
import { createEventDestination, createMetricsDestination, createSesRole } from "./private/ses-destination";

/** Props of `SesFirehoseEventDestination`. */
export interface SesFirehoseEventDestinationProps {
  /** Name of the SES configuration set: 1-64 letters, digits, '_' or '-'. */
  readonly configurationSetName: string;
  /**
   * Create the configuration set; false attaches to an existing set of that name.
   * @default true
   */
  readonly createConfigurationSet?: boolean;
  /**
   * Options of the configuration set the module creates, or a `ConfigurationSet` made elsewhere
   * to use as it is (then `configurationSetName` must be its name).
   * @default - a set with reputation metrics on and SES's defaults for the rest
   */
  readonly configurationSet?: ConfigurationSetOptions | ConfigurationSet;
  /** @default "firehose" */
  readonly eventDestinationName?: string;
  /**
   * Events to publish.
   * @default - all ten event types
   */
  readonly eventTypes?: SesEventType[];
  /**
   * Publish events; false keeps the destination but stops publishing.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Existing delivery stream to publish to; then no stream, bucket or Firehose role is created.
   * @default - a stream is created for you (see `deliveryStream`)
   */
  readonly deliveryStreamArn?: string;
  /**
   * Settings of the stream the module creates; not allowed with `deliveryStreamArn`.
   * @default - see DeliveryStreamOptions
   */
  readonly deliveryStream?: DeliveryStreamOptions;
  /**
   * Existing role SES assumes to write to the stream.
   * @default - a role is created for you
   */
  readonly sesRoleArn?: string;
  /**
   * Name of the role the module creates for SES.
   * @default - a unique name generated from the configuration set name
   */
  readonly sesRoleName?: string;
  /**
   * Path of the role the module creates for SES, such as `/service-role/`. Changing it replaces
   * the role.
   * @default "/"
   */
  readonly sesRolePath?: string;
  /**
   * CloudWatch alarms on delivery to S3 (only for a stream the module creates).
   * @default - no alarms
   */
  readonly alarms?: DeliveryAlarmOptions;
  /**
   * A CloudWatch dashboard of the pipeline (only for a stream the module creates).
   * @default - on when alarms.enabled is true
   */
  readonly dashboard?: PipelineDashboardOptions;
  /**
   * Make the events queryable in Athena: a Glue table with partition projection over the
   * delivered objects, a workgroup, saved deliverability queries and a reader policy (only for
   * a stream the module creates).
   * @default - on when the module creates the event bucket, off with `deliveryStream.bucketArn`
   */
  readonly analytics?: EventAnalyticsOptions;
  /** @default - nothing is imported */
  readonly importExisting?: ImportExistingOptions;
  /**
   * Tags on every taggable resource created.
   * @default - none beyond the provider's default tags
   */
  readonly tags?: Record<string, string>;
  /**
   * AWS provider of every resource and data source created, such as an aliased `AwsProvider` for
   * another Region or account.
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * Publishes an SES v2 configuration set's sending events to a Kinesis Data Firehose delivery
 * stream that lands them in S3, with least-privilege IAM roles for SES and Firehose.
 */
export class SesFirehoseEventDestination extends Construct {
  /** Name of the configuration set, created or given. */
  readonly configurationSetName: string;
  /** ARN of the configuration set, in the account and Region of the provider. */
  readonly configurationSetArn: string;
  /** ARN of the delivery stream events go to, created or given. */
  readonly deliveryStreamArn: string;
  /** ARN of the role SES assumes to write to the stream, created or given. */
  readonly sesRoleArn: string;
  /** Name of the bucket events land in, created or given by `deliveryStream.bucketArn`; unknown with `deliveryStreamArn`. */
  readonly bucketName?: string | undefined;
  /** The configuration set, when the module created it or was given it. */
  readonly configurationSet?: ConfigurationSet;
  /** The event destination that publishes to Firehose. */
  readonly eventDestination: Sesv2ConfigurationSetEventDestination;
  /** The event destination that counts the set's sends, deliveries, bounces and complaints in CloudWatch. */
  readonly metricsDestination?: Sesv2ConfigurationSetEventDestination;
  /** The SES role, unless `sesRoleArn` is given. */
  readonly sesRole?: IamRole;
  /** The SES role's policy: `firehose:PutRecordBatch` on the stream only. */
  readonly sesRolePolicy?: IamRolePolicy;
  /** The delivery stream, unless `deliveryStreamArn` is given. */
  readonly deliveryStream?: KinesisFirehoseDeliveryStream;
  /** The role Firehose assumes to write to S3, with the stream. */
  readonly deliveryRole?: IamRole;
  /** The Firehose role's policy: the bucket, the key and the error log stream only. */
  readonly deliveryRolePolicy?: IamRolePolicy;
  /** The event bucket, unless `deliveryStream.bucketArn` or `deliveryStreamArn` is given. */
  readonly bucket?: EventBucket | undefined;
  /** The delivery-error log group, unless `deliveryStream.logging` is false. */
  readonly logGroup?: CloudwatchLogGroup | undefined;
  /** The delivery alarms, when `alarms.enabled` is true. */
  readonly alarms?: DeliveryAlarms;
  /** The pipeline dashboard, when the monitoring settings turn it on. */
  readonly dashboard?: PipelineDashboard;
  /** The query layer, when `analytics` is on. */
  readonly analytics?: EventAnalytics | undefined;
  /** The KMS key the module created, with `deliveryStream.createKmsKey`. */
  readonly key?: EventKey | undefined;
  /** ARN of the KMS key that encrypts what the module created, created or given. */
  readonly kmsKeyArn?: string | undefined;

  constructor(scope: Construct, id: string, props: SesFirehoseEventDestinationProps) {
    super(scope, id);
    // Read once into a plain copy, which the checks judge and everything below reads.
    props = plainProps(props, DESTINATION_PROPS);
    const label = `SesFirehoseEventDestination "${this.node.path}"`;
    const found = checkPropKinds(label, props);
    const resolved = resolveDestination(props);
    checkDestination(label, resolved, { region: literalRegion(this, props.provider) }, found);
    PhysicalNames.of(this).claim(label, physicalNamesOf(resolved), props.provider);

    const { provider, tags, monitoring } = resolved;
    const aws = AwsContext.of(this, provider);

    if (resolved.givenSet !== undefined) {
      this.configurationSet = resolved.givenSet;
    } else if (resolved.createsSet) {
      // Its resource keeps the address it had when the module created it directly (see ConfigurationSet).
      this.configurationSet = new ConfigurationSet(this, "ConfigurationSet", defined({
        ...resolved.setOptions,
        configurationSetName: props.configurationSetName,
        importExisting: resolved.imports.configurationSet === true,
        tags,
        provider,
      }));
    }
    this.configurationSetName = this.configurationSet?.configurationSetName ?? props.configurationSetName;
    this.configurationSetArn = aws.arn("ses", `configuration-set/${props.configurationSetName}`);

    if (resolved.createsStream) {
      const created = createDeliveryStream(this, resolved, aws);
      this.deliveryStream = created.stream;
      this.deliveryStreamArn = created.stream.arn;
      this.deliveryRole = created.role;
      this.deliveryRolePolicy = created.rolePolicy;
      this.bucket = created.bucket;
      this.bucketName = created.bucketName;
      this.logGroup = created.logGroup;
      this.analytics = created.analytics;
      this.key = created.key;
      this.kmsKeyArn = created.kmsKeyArn;
      if (monitoring.alarms) {
        const { enabled: _enabled, ...options } = props.alarms ?? {};
        this.alarms = new DeliveryAlarms(this, "Alarms", defined({
          ...options,
          deliveryStreamName: created.stream.name,
          topicKmsKeyArn: created.kmsKeyArn,
          topicNamePrefix: alarmTopicNamePrefix(resolved.stream.name),
          configurationSetName: this.configurationSetName,
          reputation: monitoring.reputationAlarms,
          silentPipeline: monitoring.silentPipeline,
          tags,
          provider,
        }));
      }
      if (this.alarms?.topic !== undefined) created.key?.allowAlarms();
      if (monitoring.dashboard) {
        this.dashboard = new PipelineDashboard(this, "Dashboard", defined({
          provider,
          configurationSetName: props.configurationSetName,
          // The stream keeps its first name when the set is renamed (see event-bucket's renames):
          // the widgets follow the stream's name in state, the dashboard's own name the settings.
          deliveryStreamName: created.stream.name,
          // Dashboard names are global to an account: one placed through a given provider (another
          // Region or account) carries its Region; the default provider's keeps its plain name.
          dashboardName: dashboardName(resolved.stream.name, provider === undefined ? undefined : (providerScope(TerraformStack.of(this), provider).region ?? aws.region)),
          region: aws.region,
          reputationMetrics: monitoring.reputationMetrics,
          partitioned: resolved.stream.partitioned,
          bounceRateThreshold: monitoring.bounceRateThreshold,
          complaintRateThreshold: monitoring.complaintRateThreshold,
        }));
      }
    } else {
      this.deliveryStreamArn = props.deliveryStreamArn!;
    }

    if (props.sesRoleArn === undefined) {
      const ses = createSesRole(this, resolved, aws, { configurationSet: this.configurationSetArn, deliveryStream: this.deliveryStreamArn });
      this.sesRole = ses.role;
      this.sesRolePolicy = ses.policy;
    }
    this.sesRoleArn = this.sesRole?.arn ?? props.sesRoleArn!;

    this.eventDestination = createEventDestination(this, resolved, {
      configurationSetName: this.configurationSetName,
      deliveryStreamArn: this.deliveryStreamArn,
      sesRoleArn: this.sesRoleArn,
      sesRolePolicy: this.sesRolePolicy,
    });
    if (monitoring.metricsDestination) {
      this.metricsDestination = createMetricsDestination(this, resolved, this.configurationSetName);
    }
  }
}
