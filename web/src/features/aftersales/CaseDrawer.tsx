import { Alert, App, Button, Descriptions, Drawer, Empty, Form, Input, InputNumber, Modal, Radio, Space, Spin, Table, Timeline, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { aftersalesApi, type AftersalesCase, type CaseItem } from '../../api/aftersales';
import { hasKey, useI18n, type MessageKey } from '../../i18n';
import { fenToYuan, formatDateTime, formatFen, yuanToFen } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, isCenterFor, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { useDrawerSize, useFormSubmit } from '../admin/adminShared';
import { carrierName } from '../fulfilment/orderShared';
import { CasePhotos } from './CasePhotos';
import { CaseStatusTag } from './caseShared';

type Action = 'approve' | 'reject' | 'decide' | 'escalate' | null;

export function reasonLabel(code: string, t: (k: MessageKey) => string): string {
  return hasKey(`as.reason.${code}`) ? t(`as.reason.${code}` as MessageKey) : code;
}

function CaseTimeline({ c }: { c: AftersalesCase }) {
  const { t } = useI18n();
  const steps: { at: string | null | undefined; text: ReactNode; color?: string }[] = [
    { at: c.createdAt, text: t('as.t.requested', { amount: formatFen(c.requestedFen) }) },
    { at: c.supplierAnsweredAt, text: c.status === 'rejected' || c.rejectReason ? t('as.t.rejected', { reason: c.rejectReason ?? '' }) : t('as.t.approved', { amount: c.approvedFen !== null ? formatFen(c.approvedFen) : '' }), color: c.rejectReason ? 'red' : 'green' },
    { at: c.returnShipment?.shippedAt, text: t('as.t.returnShipped', { carrier: carrierName(c.returnShipment?.carrier ?? null, t), no: c.returnShipment?.trackingNo ?? '' }) },
    { at: c.returnShipment?.receivedAt, text: t('as.t.returnReceived') },
    { at: c.escalation?.at, text: t(c.escalation?.by === 'supplier' ? 'as.t.escalatedSupplier' : 'as.t.escalatedBuyer', { note: c.escalation?.note ?? '' }), color: 'orange' },
    { at: c.decision?.at, text: c.decision?.outcome === 'refund' ? t('as.t.decidedRefund', { note: c.decision.note }) : t('as.t.decidedReject', { note: c.decision?.note ?? '' }), color: 'purple' },
    { at: c.refundedAt, text: t('as.t.refunded', { amount: c.refund ? formatFen(c.refund.amountFen) : '' }), color: 'green' },
    { at: c.closedAt, text: t(`as.t.closed.${c.status === 'withdrawn' ? 'withdrawn' : 'closed'}` as MessageKey), color: 'gray' },
  ];
  const shown = steps.filter((s): s is { at: string; text: ReactNode; color?: string } => !!s.at).sort((a, b) => a.at.localeCompare(b.at));
  return <Timeline items={shown.map((s) => ({ color: s.color, content: <span>{s.text} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{formatDateTime(s.at)}</Typography.Text></span> }))} />;
}

/** Answer forms: approve (full or part), reject with a reason, escalate, and the center's final decision. */
function ActionModal({ c, action, onClose, onDone }: { c: AftersalesCase; action: Action; onClose: () => void; onDone: (next: AftersalesCase, msg: string) => void }) {
  const { t } = useI18n();
  const { modal } = App.useApp();
  const [form] = Form.useForm<{ mode?: 'full' | 'part'; amountYuan?: number; reason?: string; outcome?: 'refund' | 'reject'; note?: string }>();
  const mode = Form.useWatch('mode', form);
  const outcome = Form.useWatch('outcome', form);
  const max = fenToYuan(c.requestedFen);
  const { busy, submit } = useFormSubmit(form, async (v) => {
    if (action === 'approve') {
      const amount = v.mode === 'part' ? yuanToFen(v.amountYuan ?? 0) : undefined;
      const next = await aftersalesApi.approve(c.id, amount);
      onDone(next, t('as.approvedMsg', { no: c.caseNo }));
    } else if (action === 'reject') {
      onDone(await aftersalesApi.reject(c.id, v.reason!.trim()), t('as.rejectedMsg', { no: c.caseNo }));
    } else if (action === 'escalate') {
      onDone(await aftersalesApi.escalate(c.id, v.note?.trim() || undefined), t('as.escalatedMsg', { no: c.caseNo }));
    } else if (action === 'decide') {
      const amount = v.outcome === 'refund' && v.mode === 'part' ? yuanToFen(v.amountYuan ?? 0) : undefined;
      // Final: ask once more, saying what will happen.
      const ok = await modal.confirm({
        title: t('as.decideConfirmTitle'),
        content: v.outcome === 'refund' ? t('as.decideConfirmRefund', { amount: formatFen(amount ?? c.requestedFen) }) : t('as.decideConfirmReject'),
        okText: t('as.decideConfirmOk'), cancelText: t('common.cancel'), okButtonProps: { danger: v.outcome === 'reject' },
      });
      if (!ok) return;
      onDone(await aftersalesApi.decide(c.id, v.outcome!, v.note!.trim(), amount), t('as.decidedMsg', { no: c.caseNo }));
    }
  }, { amountFen: 'amountYuan' });
  const title: Record<Exclude<Action, null>, MessageKey> = { approve: 'as.approve', reject: 'as.reject', escalate: 'as.escalate', decide: 'as.decide' };
  const amountField = (
    <>
      <Form.Item name="mode" label={t('as.amountMode')} initialValue="full">
        <Radio.Group options={[{ value: 'full', label: t('as.amountFull', { amount: formatFen(c.requestedFen) }) }, { value: 'part', label: t('as.amountPart') }]} />
      </Form.Item>
      {mode === 'part' && (
        <Form.Item name="amountYuan" label={t('as.amountYuan')} rules={[{ required: true, message: t('as.amountRequired') }]} extra={t('as.amountMax', { amount: formatFen(c.requestedFen) })}>
          <InputNumber min={0.01} max={max} precision={2} prefix="¥" style={{ width: 180 }} />
        </Form.Item>
      )}
    </>
  );
  return (
    <Modal open={!!action} onCancel={onClose} title={action ? t(title[action]) : ''} destroyOnHidden okText={action ? t(title[action]) : ''} cancelText={t('common.cancel')}
      confirmLoading={busy} onOk={() => form.submit()} okButtonProps={{ danger: action === 'reject', 'data-testid': 'case-action-ok' } as never}>
      <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
        {action === 'approve' && (
          <>
            <Typography.Paragraph type="secondary">{c.kind === 'return_and_refund' ? t('as.approveReturnHint') : t('as.approveRefundHint')}</Typography.Paragraph>
            {amountField}
          </>
        )}
        {action === 'reject' && (
          <Form.Item name="reason" label={t('as.rejectReason')} extra={t('as.rejectHint')} rules={[{ required: true, whitespace: true, message: t('as.rejectReasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        )}
        {action === 'escalate' && (
          <Form.Item name="note" label={t('as.escalateNote')} extra={t('as.escalateHint')}>
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        )}
        {action === 'decide' && (
          <>
            <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('as.decideFinal')} />
            <Form.Item name="outcome" label={t('as.decideOutcome')} rules={[{ required: true, message: t('as.decideOutcomeRequired') }]}>
              <Radio.Group options={[{ value: 'refund', label: t('as.outcome.refund') }, { value: 'reject', label: t('as.outcome.reject') }]} />
            </Form.Item>
            {outcome === 'refund' && amountField}
            <Form.Item name="note" label={t('as.decideNote')} extra={t('as.decideNoteHint')} rules={[{ required: true, whitespace: true, message: t('as.decideNoteRequired') }]}>
              <Input.TextArea rows={3} maxLength={500} showCount />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}

/** One case: lines, reason, photos, timeline; the answers the user's role may give. */
export function CaseDrawer({ caseId, supplierName, onClose, onChanged }: { caseId: string | null; supplierName: (id: string) => string; onClose: () => void; onChanged: (c: AftersalesCase) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { user } = useSession();
  const size = useDrawerSize(680);
  const [action, setAction] = useState<Action>(null);
  const [receiving, setReceiving] = useState(false);
  const state = useAsync((signal) => (caseId ? aftersalesApi.get(caseId, signal) : Promise.resolve(null)), [caseId]);
  const c = state.data && state.data.id === caseId ? state.data : null;
  const isSupplier = !!c && !!user?.roles.some((r) => r.role === 'supplier' && r.supplierId === c.supplierId);
  const isCenter = !!c && isCenterFor(user, c.countyCode);
  const done = (next: AftersalesCase, msg: string) => { setAction(null); state.setData(next); onChanged(next); message.success(msg); };
  const receive = async () => {
    setReceiving(true);
    try {
      done(await aftersalesApi.receive(c!.id), t('as.receivedMsg', { no: c!.caseNo }));
    } catch (err) {
      message.error(problemText(err, t));
    } finally {
      setReceiving(false);
    }
  };

  const buttons: ReactNode[] = [];
  if (c && isSupplier && c.status === 'requested') {
    buttons.push(<Button key="ap" type="primary" onClick={() => setAction('approve')} data-testid="case-approve">{t('as.approve')}</Button>);
    buttons.push(<Button key="rj" danger onClick={() => setAction('reject')}>{t('as.reject')}</Button>);
  }
  if (c && isSupplier && c.status === 'return_shipped') {
    buttons.push(<Button key="rc" type="primary" loading={receiving} onClick={() => Modal.confirm({ title: t('as.receiveConfirm'), content: t('as.receiveHint'), okText: t('as.receive'), cancelText: t('common.cancel'), onOk: receive })}>{t('as.receive')}</Button>);
  }
  if (c && isSupplier && (c.status === 'requested' || c.status === 'rejected') && !c.escalation) {
    buttons.push(<Button key="es" onClick={() => setAction('escalate')}>{t('as.escalate')}</Button>);
  }
  if (c && isCenter && hasRole(user, ['center_admin', 'operator']) && c.status === 'escalated') {
    buttons.push(<Button key="de" type="primary" onClick={() => setAction('decide')} data-testid="case-decide">{t('as.decide')}</Button>);
  }

  return (
    <Drawer open={!!caseId} onClose={onClose} size={size} destroyOnHidden title={c ? t('as.detailTitle', { no: c.caseNo }) : t('as.detail')}
      extra={buttons.length ? <Space wrap>{buttons}</Space> : null}>
      {state.error ? <Empty description={problemText(state.error, t)}><Button onClick={state.reload}>{t('common.retry')}</Button></Empty>
        : !c ? <div style={{ textAlign: 'center', padding: 48 }}><Spin /></div> : (
          <div data-testid="case-detail">
            {c.status === 'escalated' && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={isCenter ? t('as.escalatedCenterHint') : t('as.escalatedSupplierHint')} />}
            <Descriptions column={1} size="small" bordered styles={{ label: { width: 110 } }}>
              <Descriptions.Item label={t('common.status')}><CaseStatusTag status={c.status} /></Descriptions.Item>
              <Descriptions.Item label={t('as.kind')}>{t(`as.kind.${c.kind}` as MessageKey)}</Descriptions.Item>
              <Descriptions.Item label={t('fo.orderNo')}>{c.orderNo}</Descriptions.Item>
              <Descriptions.Item label={t('fo.supplier')}>{supplierName(c.supplierId)}</Descriptions.Item>
              <Descriptions.Item label={t('as.reason')}>{reasonLabel(c.reasonCode, t)}{c.reasonText && <div style={{ whiteSpace: 'pre-wrap' }}>{c.reasonText}</div>}</Descriptions.Item>
              <Descriptions.Item label={t('as.requested')}>{formatFen(c.requestedFen)}{c.approvedFen !== null && <Typography.Text type="success"> · {t('as.approvedAmount', { amount: formatFen(c.approvedFen) })}</Typography.Text>}</Descriptions.Item>
              {c.rejectReason && <Descriptions.Item label={t('as.rejectReason')}>{c.rejectReason}</Descriptions.Item>}
              {c.returnShipment && <Descriptions.Item label={t('as.returnShipment')}>{carrierName(c.returnShipment.carrier, t)} {c.returnShipment.trackingNo}</Descriptions.Item>}
              {c.refund && <Descriptions.Item label={t('as.refund')}>{formatFen(c.refund.amountFen)} · {t(`as.refundStatus.${c.refund.status}` as MessageKey)} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.refund.refundNo}</Typography.Text></Descriptions.Item>}
              {c.buyerMayEscalateAt && c.status === 'requested' && <Descriptions.Item label={t('as.answerBy')}>{t('as.answerByHint', { at: formatDateTime(c.buyerMayEscalateAt) })}</Descriptions.Item>}
            </Descriptions>
            <Typography.Title level={5} style={{ marginTop: 20 }}>{t('as.lines')}</Typography.Title>
            <Table<CaseItem> rowKey="orderItemId" size="small" pagination={false} dataSource={c.items} scroll={{ x: 'max-content' }}
              columns={[
                { title: t('fo.product'), dataIndex: 'title', render: (v: string, i) => <>{v}<br /><Typography.Text type="secondary" style={{ fontSize: 12 }}>{i.spec}</Typography.Text></> },
                { title: t('fo.unitPrice'), dataIndex: 'unitPriceFen', render: (v: number) => formatFen(v) },
                { title: t('fo.quantity'), dataIndex: 'quantity' },
                { title: t('as.returnsPolicy'), dataIndex: 'returnsPolicy', render: (v: string) => (hasKey(`as.policy.${v}`) ? t(`as.policy.${v}` as MessageKey) : v) },
              ]} />
            <Typography.Title level={5} style={{ marginTop: 20 }}>{t('as.photos')}</Typography.Title>
            <CasePhotos caseId={c.id} photos={c.photos} />
            <Typography.Title level={5} style={{ marginTop: 20 }}>{t('as.timeline')}</Typography.Title>
            <CaseTimeline c={c} />
            <ActionModal c={c} action={action} onClose={() => setAction(null)} onDone={done} />
          </div>
        )}
    </Drawer>
  );
}
