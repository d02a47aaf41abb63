import {
  Alert, App, Button, Card, Checkbox, DatePicker, Descriptions, Drawer, Empty, Form, Input, InputNumber, List, Modal, Popconfirm, Radio, Select, Space, Spin,
  Table, Tabs, Tag, Typography, Upload, type TableColumnsType,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, isProblem } from '../../api/client';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { LoadFailed, useFormSubmit, useProblemHandler } from '../admin/adminShared';
import { useCrumbTitle } from '../admin/crumbs';
import { useMyCounties } from '../admin/useCounties';
import { mmss, trainingApi, type Cohort, type Course, type LessonEditor, type LessonKind, type PracticeRow, type QueueRow, type QuizQuestion, type RosterRow, type Submission } from './trainingApi';

const CENTER = ['center_admin', 'operator'] as const;
const STATUS_COLOR: Record<string, string> = { draft: 'default', published: 'green', archived: 'grey', open: 'green', closed: 'orange', enrolled: 'green', waitlisted: 'gold', withdrawn: 'default', submitted: 'blue', passed: 'green', redo: 'red' };

function useIsCenter() {
  const { user } = useSession();
  return hasRole(user, CENTER);
}

// ---- courses --------------------------------------------------------------------------------------

/** 课程: the county's courses with lessons and enrolments; new course in a modal. */
export function CoursesPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const list = useAsync(() => trainingApi.courses(), []);
  const { counties } = useMyCounties();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ countyCode: string; title: string; description?: string }>();
  const { busy, submit } = useFormSubmit(form, async (v) => {
    const c = await trainingApi.createCourse(v);
    navigate(`/admin/training/courses/${c.id}`);
  });
  const columns: TableColumnsType<Course> = [
    { title: t('tr.c.title'), key: 'title', render: (_, c) => <Link to={`/admin/training/courses/${c.id}`}>{c.title}</Link> },
    { title: t('tr.c.status'), key: 'status', render: (_, c) => <Tag color={STATUS_COLOR[c.status]}>{t(`tr.courseStatus.${c.status}`)}</Tag> },
    { title: t('tr.c.lessons'), dataIndex: 'lessonCount', align: 'right' },
    { title: t('tr.c.enrolled'), dataIndex: 'enrolledCount', align: 'right' },
    { title: t('tr.c.updated'), key: 'upd', responsive: ['md'], render: (_, c) => formatDateTime(c.updatedAt) },
  ];
  return (
    <Card title={t('nav.trainingCourses')} extra={<Button type="primary" onClick={() => { form.setFieldsValue({ countyCode: counties[0]?.countyCode ?? '' }); setOpen(true); }}>{t('tr.c.new')}</Button>}>
      {list.error ? <Alert type="error" title={problemText(list.error, t)} /> : (
        <Table rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} pagination={false}
          locale={{ emptyText: <Empty description={t('tr.c.empty')} /> }} />
      )}
      <Modal open={open} title={t('tr.c.new')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item name="countyCode" label={t('tr.c.county')} rules={[{ required: true, message: t('tr.req') }]}>
            <Select options={counties.map((c) => ({ value: c.countyCode, label: c.name }))} />
          </Form.Item>
          <Form.Item name="title" label={t('tr.c.title')} rules={[{ required: true, message: t('tr.req') }]}><Input maxLength={120} /></Form.Item>
          <Form.Item name="description" label={t('tr.c.description')}><Input.TextArea rows={3} /></Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function QuizEditor({ lesson, onSaved }: { lesson: LessonEditor; onSaved: () => void }) {
  const { t } = useI18n();
  const handle = useProblemHandler();
  const { message } = App.useApp();
  const [passPct, setPassPct] = useState(lesson.quizPassPct);
  const [questions, setQuestions] = useState<QuizQuestion[]>(lesson.quiz.length ? lesson.quiz : [{ prompt: '', options: ['', ''], correct: [0] }]);
  const upd = (i: number, q: Partial<QuizQuestion>) => setQuestions((qs) => qs.map((x, k) => (k === i ? { ...x, ...q } : x)));
  const save = async () => {
    try {
      await trainingApi.setQuiz(lesson.id, passPct, questions);
      message.success(t('tr.saved'));
      onSaved();
    } catch (err) {
      handle(err);
    }
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space>{t('tr.q.passPct')}<InputNumber min={1} max={100} value={passPct} onChange={(v) => setPassPct(v ?? 60)} /></Space>
      {questions.map((q, i) => (
        <Card size="small" key={i} title={`${t('tr.q.question')} ${i + 1}`} extra={<Button size="small" danger onClick={() => setQuestions((qs) => qs.filter((_, k) => k !== i))}>{t('tr.remove')}</Button>}>
          <Input placeholder={t('tr.q.prompt')} value={q.prompt} onChange={(e) => upd(i, { prompt: e.target.value })} style={{ marginBottom: 8 }} />
          {q.options.map((o, oi) => (
            <Space key={oi} style={{ display: 'flex', marginBottom: 4 }}>
              <Checkbox checked={q.correct.includes(oi)} onChange={(e) => upd(i, { correct: e.target.checked ? [...q.correct, oi] : q.correct.filter((c) => c !== oi) })}>{t('tr.q.correct')}</Checkbox>
              <Input value={o} placeholder={`${t('tr.q.option')} ${oi + 1}`} onChange={(e) => upd(i, { options: q.options.map((x, k) => (k === oi ? e.target.value : x)) })} />
            </Space>
          ))}
          {q.options.length < 6 && <Button size="small" onClick={() => upd(i, { options: [...q.options, ''] })}>{t('tr.q.addOption')}</Button>}
        </Card>
      ))}
      <Space>
        <Button onClick={() => setQuestions((qs) => [...qs, { prompt: '', options: ['', ''], correct: [0] }])}>{t('tr.q.add')}</Button>
        <Button type="primary" onClick={() => void save()}>{t('tr.q.save')}</Button>
      </Space>
    </Space>
  );
}

function LessonDrawer({ lessonId, onClose, onChanged }: { lessonId: string | null; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const handle = useProblemHandler();
  const { message } = App.useApp();
  const lesson = useAsync(() => (lessonId ? trainingApi.lessonEditor(lessonId) : Promise.resolve(null)), [lessonId]);
  const [form] = Form.useForm<{ title: string; body: string; durationSeconds: number }>();
  const [uploading, setUploading] = useState(false);
  useEffect(() => { if (lesson.data) form.setFieldsValue({ title: lesson.data.title, body: lesson.data.body, durationSeconds: lesson.data.durationSeconds }); }, [lesson.data, form]);
  const { busy, submit } = useFormSubmit(form, async (v) => {
    await trainingApi.updateLesson(lessonId!, v);
    message.success(t('tr.saved'));
    onChanged();
  });
  const l = lesson.data;
  return (
    <Drawer open={!!lessonId} onClose={onClose} size={640} title={l?.title ?? t('tr.lesson')} destroyOnHidden>
      {!l ? <Spin /> : (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Form form={form} layout="vertical" onFinish={submit}>
            <Form.Item name="title" label={t('tr.c.title')} rules={[{ required: true, message: t('tr.req') }]}><Input maxLength={120} /></Form.Item>
            <Form.Item name="body" label={l.kind === 'text' ? t('tr.l.text') : t('tr.l.notes')}><Input.TextArea rows={l.kind === 'text' ? 10 : 3} /></Form.Item>
            {l.kind === 'video' && <Form.Item name="durationSeconds" label={t('tr.l.duration')}><InputNumber min={0} max={36000} /></Form.Item>}
            <Button type="primary" htmlType="submit" loading={busy}>{t('tr.save')}</Button>
          </Form>
          {(l.kind === 'video' || l.kind === 'file') && (
            <Card size="small" title={l.kind === 'video' ? t('tr.l.video') : t('tr.l.file')}>
              <p>{l.hasFile ? <Tag color="green">{t('tr.l.uploaded')}</Tag> : <Tag>{t('tr.l.noFile')}</Tag>}</p>
              <Upload accept={l.kind === 'video' ? 'video/mp4,video/webm' : 'application/pdf,image/*'} showUploadList={false} customRequest={async ({ file }) => {
                setUploading(true);
                try { await trainingApi.uploadLessonFile(l.id, file as File); message.success(t('tr.l.uploadDone')); lesson.reload(); onChanged(); } catch (err) { handle(err); } finally { setUploading(false); }
              }}>
                <Button loading={uploading}>{l.hasFile ? t('tr.l.replace') : t('tr.l.upload')}</Button>
              </Upload>
              <p style={{ color: '#999', marginTop: 8 }}>{l.kind === 'video' ? t('tr.l.videoHint') : t('tr.l.fileHint')}</p>
            </Card>
          )}
          {l.kind === 'quiz' && <QuizEditor lesson={l} onSaved={() => { lesson.reload(); onChanged(); }} />}
        </Space>
      )}
    </Drawer>
  );
}

/** 课程编辑: course fields and completion rules, modules and lessons, assignments, publish/archive/delete. */
export function CourseEditorPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const handle = useProblemHandler();
  const { message } = App.useApp();
  const course = useAsync(() => trainingApi.course(id), [id]);
  useCrumbTitle(course.data?.title);
  const [form] = Form.useForm<{ title: string; description: string; minAttendancePct: number; allLessons: boolean; quizzesPassed: boolean; minReviewedPractice: number }>();
  const [lessonId, setLessonId] = useState<string | null>(null);
  const [newLesson, setNewLesson] = useState<{ moduleId: string } | null>(null);
  const [lessonForm] = Form.useForm<{ kind: LessonKind; title: string }>();
  const c = course.data;
  useEffect(() => {
    if (c) form.setFieldsValue({ title: c.title, description: c.description, ...c.rules });
  }, [c, form]);
  const { busy, submit } = useFormSubmit(form, async (v) => {
    await trainingApi.updateCourse(id, { title: v.title, description: v.description, rules: { minAttendancePct: v.minAttendancePct, allLessons: v.allLessons, quizzesPassed: v.quizzesPassed, minReviewedPractice: v.minReviewedPractice } });
    message.success(t('tr.saved'));
    course.reload();
  });
  const act = async (fn: () => Promise<unknown>, ok: string) => {
    try { await fn(); message.success(ok); course.reload(); } catch (err) { handle(err); }
  };
  const addModule = () => {
    let title = '';
    Modal.confirm({
      title: t('tr.m.new'), content: <Input autoFocus placeholder={t('tr.m.title')} onChange={(e) => { title = e.target.value; }} />,
      onOk: async () => { if (!title.trim()) throw new Error('empty'); await act(() => trainingApi.addModule(id, title.trim()), t('tr.saved')); },
    });
  };
  const lessonSubmit = useFormSubmit(lessonForm, async (v) => {
    const l = await trainingApi.addLesson(newLesson!.moduleId, v);
    setNewLesson(null);
    course.reload();
    setLessonId(l.id);
  });
  if (course.error) return <LoadFailed error={course.error} notFound={t('tr.c.notFound')} backTo="/admin/training/courses" backLabel={t('nav.trainingCourses')} onRetry={course.reload} />;
  if (!c) return <Spin />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card title={<Space>{c.title}<Tag color={STATUS_COLOR[c.status]}>{t(`tr.courseStatus.${c.status}`)}</Tag></Space>} extra={
        <Space wrap>
          {c.status !== 'published' && <Button type="primary" onClick={() => void act(() => trainingApi.publish(id), t('tr.c.publishedOk'))}>{t('tr.c.publish')}</Button>}
          {c.status !== 'archived' && <Popconfirm title={t('tr.c.archiveConfirm')} onConfirm={() => void act(() => trainingApi.archive(id), t('tr.c.archivedOk'))}><Button>{t('tr.c.archive')}</Button></Popconfirm>}
          <Popconfirm title={t('tr.c.deleteConfirm')} onConfirm={async () => { try { await trainingApi.deleteCourse(id); navigate('/admin/training/courses'); } catch (err) { handle(err); } }}><Button danger>{t('tr.c.delete')}</Button></Popconfirm>
        </Space>
      }>
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item name="title" label={t('tr.c.title')} rules={[{ required: true, message: t('tr.req') }]}><Input maxLength={120} /></Form.Item>
          <Form.Item name="description" label={t('tr.c.description')}><Input.TextArea rows={2} /></Form.Item>
          <Typography.Title level={5}>{t('tr.rules')}</Typography.Title>
          <Space wrap size="large">
            <Form.Item name="minAttendancePct" label={t('tr.rule.attendance')}><InputNumber min={0} max={100} addonAfter="%" /></Form.Item>
            <Form.Item name="minReviewedPractice" label={t('tr.rule.practice')}><InputNumber min={0} max={20} /></Form.Item>
            <Form.Item name="allLessons" valuePropName="checked"><Checkbox>{t('tr.rule.lessons')}</Checkbox></Form.Item>
            <Form.Item name="quizzesPassed" valuePropName="checked"><Checkbox>{t('tr.rule.quizzes')}</Checkbox></Form.Item>
          </Space>
          <div><Button type="primary" htmlType="submit" loading={busy}>{t('tr.save')}</Button></div>
        </Form>
      </Card>
      <Card title={t('tr.m.modules')} extra={<Button onClick={addModule} disabled={c.status === 'archived'}>{t('tr.m.new')}</Button>}>
        {c.modules.length === 0 ? <Empty description={t('tr.m.empty')} /> : c.modules.map((m) => (
          <Card key={m.id} type="inner" size="small" title={m.title} style={{ marginBottom: 12 }} extra={<Button size="small" disabled={c.status === 'archived'} onClick={() => { lessonForm.setFieldsValue({ kind: 'video', title: '' }); setNewLesson({ moduleId: m.id }); }}>{t('tr.l.new')}</Button>}>
            <List size="small" dataSource={m.lessons} locale={{ emptyText: t('tr.l.empty') }} renderItem={(l) => (
              <List.Item actions={[
                <Button key="e" size="small" type="link" onClick={() => setLessonId(l.id)}>{t('tr.edit')}</Button>,
                <Popconfirm key="d" title={t('tr.l.deleteConfirm')} onConfirm={() => void act(() => trainingApi.deleteLesson(l.id), t('tr.deleted'))}><Button size="small" type="link" danger>{t('tr.remove')}</Button></Popconfirm>,
              ]}>
                <Space><Tag>{t(`tr.kind.${l.kind}`)}</Tag>{l.title}
                  {(l.kind === 'video' || l.kind === 'file') && !l.hasFile && <Tag color="orange">{t('tr.l.noFile')}</Tag>}
                  {l.kind === 'quiz' && <Tag color={l.questionCount ? 'blue' : 'orange'}>{t('tr.l.questions', { n: l.questionCount })}</Tag>}
                </Space>
              </List.Item>
            )} />
          </Card>
        ))}
      </Card>
      <AssignmentsCard courseId={id} items={c.assignments} onChanged={course.reload} />
      <LessonDrawer lessonId={lessonId} onClose={() => setLessonId(null)} onChanged={course.reload} />
      <Modal open={!!newLesson} title={t('tr.l.new')} onCancel={() => setNewLesson(null)} onOk={() => lessonForm.submit()} confirmLoading={lessonSubmit.busy} destroyOnHidden>
        <Form form={lessonForm} layout="vertical" onFinish={lessonSubmit.submit}>
          <Form.Item name="kind" label={t('tr.l.kind')}><Radio.Group options={(['video', 'text', 'file', 'quiz'] as const).map((k) => ({ value: k, label: t(`tr.kind.${k}`) }))} /></Form.Item>
          <Form.Item name="title" label={t('tr.c.title')} rules={[{ required: true, message: t('tr.req') }]}><Input maxLength={120} /></Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

function AssignmentsCard({ courseId, items, onChanged }: { courseId: string; items: { id: string; title: string; instructions: string }[]; onChanged: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ title: string; instructions: string }>();
  const { busy, submit } = useFormSubmit(form, async (v) => { await trainingApi.addAssignment(courseId, v.title, v.instructions ?? ''); form.resetFields(); onChanged(); });
  return (
    <Card title={t('tr.assignments')}>
      <List size="small" dataSource={items} locale={{ emptyText: t('tr.a.empty') }} renderItem={(a) => <List.Item><List.Item.Meta title={a.title} description={a.instructions} /></List.Item>} />
      <Form form={form} layout="inline" onFinish={submit} style={{ marginTop: 12 }}>
        <Form.Item name="title" rules={[{ required: true, message: t('tr.req') }]}><Input placeholder={t('tr.a.title')} /></Form.Item>
        <Form.Item name="instructions"><Input placeholder={t('tr.a.instructions')} /></Form.Item>
        <Button htmlType="submit" loading={busy}>{t('tr.a.add')}</Button>
      </Form>
    </Card>
  );
}

// ---- cohorts ----------------------------------------------------------------------------------------

/** 开班: the county's cohorts (or, for instructors and mentors, the cohorts they teach). */
export function CohortsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const center = useIsCenter();
  const list = useAsync(() => trainingApi.cohorts(!center), [center]);
  const courses = useAsync(() => (center ? trainingApi.courses() : Promise.resolve({ items: [] })), [center]);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const placeKind = Form.useWatch('placeKind', form) as string | undefined;
  const courseId = Form.useWatch('courseId', form) as string | undefined;
  const county = courses.data?.items.find((c) => c.id === courseId)?.countyCode;
  const towns = useAsync(async () => (county ? (await api.get<{ items: { code: string; name: string }[] }>('/regions', { parent: county })).items : []), [county]);
  const { busy, submit } = useFormSubmit(form, async (v: Record<string, unknown> & { dates: [dayjs.Dayjs, dayjs.Dayjs] }) => {
    const { dates, ...rest } = v;
    const c = await trainingApi.createCohort({ ...rest, startsOn: dates[0].format('YYYY-MM-DD'), endsOn: dates[1].format('YYYY-MM-DD') });
    navigate(`/admin/training/cohorts/${c.id}`);
  }, { startsOn: 'dates', endsOn: 'dates' });
  const columns: TableColumnsType<Cohort> = [
    { title: t('tr.k.name'), key: 'name', render: (_, c) => <Link to={`/admin/training/cohorts/${c.id}`}>{c.name}</Link> },
    { title: t('tr.course'), dataIndex: 'courseTitle', responsive: ['md'] },
    { title: t('tr.dates'), key: 'dates', render: (_, c) => `${c.startsOn} ~ ${c.endsOn}` },
    { title: t('tr.place'), key: 'place', responsive: ['lg'], render: (_, c) => `${c.placeKind === 'studio' ? t('tr.studio') : c.placeTownshipName ?? ''} ${c.placeDetail}` },
    { title: t('tr.seats'), key: 'seats', render: (_, c) => <span>{c.enrolledCount}/{c.capacity}{c.waitlistCount > 0 && <Tag color="gold" style={{ marginLeft: 6 }}>{t('tr.k.waiting', { n: c.waitlistCount })}</Tag>}</span> },
    { title: t('tr.instructor'), key: 'ins', responsive: ['md'], render: (_, c) => c.instructor?.name ?? '—' },
    { title: t('tr.c.status'), key: 'status', render: (_, c) => <Tag color={STATUS_COLOR[c.status]}>{t(`tr.cohortStatus.${c.status}`)}</Tag> },
  ];
  return (
    <Card title={center ? t('nav.trainingCohorts') : t('tr.k.mine')} extra={center && <Button type="primary" onClick={() => { form.setFieldsValue({ placeKind: 'studio', capacity: 30 }); setOpen(true); }}>{t('tr.k.new')}</Button>}>
      {list.error ? <Alert type="error" title={problemText(list.error, t)} /> : (
        <Table rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} pagination={false}
          locale={{ emptyText: <Empty description={center ? t('tr.k.empty') : t('tr.k.emptyMine')} /> }} />
      )}
      <Modal open={open} title={t('tr.k.new')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item name="courseId" label={t('tr.course')} rules={[{ required: true, message: t('tr.req') }]}>
            <Select options={(courses.data?.items ?? []).filter((c) => c.status !== 'archived').map((c) => ({ value: c.id, label: c.title }))} notFoundContent={t('tr.c.empty')} />
          </Form.Item>
          <Form.Item name="name" label={t('tr.k.name')} rules={[{ required: true, message: t('tr.req') }]}><Input maxLength={120} placeholder={t('tr.k.namePh')} /></Form.Item>
          <Form.Item name="dates" label={t('tr.dates')} rules={[{ required: true, message: t('tr.req') }]}><DatePicker.RangePicker /></Form.Item>
          <Form.Item name="placeKind" label={t('tr.place')}><Radio.Group options={[{ value: 'studio', label: t('tr.studio') }, { value: 'township_hall', label: t('tr.townshipHall') }]} /></Form.Item>
          {placeKind === 'township_hall' && <Form.Item name="placeTownshipCode" label={t('tr.township')} rules={[{ required: true, message: t('tr.req') }]}><Select options={(towns.data ?? []).map((r) => ({ value: r.code, label: r.name }))} /></Form.Item>}
          <Form.Item name="placeDetail" label={t('tr.k.placeDetail')}><Input maxLength={200} /></Form.Item>
          <Form.Item name="capacity" label={t('tr.k.capacity')} rules={[{ required: true, message: t('tr.req') }]}><InputNumber min={1} max={1000} /></Form.Item>
          <Form.Item name="instructorPhone" label={t('tr.k.instructorPhone')} rules={[{ required: true, message: t('tr.req') }]} extra={t('tr.k.instructorHint')}><Input inputMode="numeric" maxLength={11} /></Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function RosterTab({ cohortId, center, onChanged }: { cohortId: string; center: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const handle = useProblemHandler();
  const roster = useAsync(() => trainingApi.roster(cohortId), [cohortId]);
  const withdraw = async (e: RosterRow) => {
    try { await trainingApi.withdraw(e.id); roster.reload(); onChanged(); } catch (err) { handle(err); }
  };
  const columns: TableColumnsType<RosterRow> = [
    { title: t('tr.r.name'), dataIndex: 'name' },
    { title: t('tr.r.phone'), dataIndex: 'phone' },
    { title: t('tr.c.status'), key: 'st', render: (_, e) => <Tag color={STATUS_COLOR[e.status]}>{t(`tr.status.${e.status}`)}{e.waitlistPosition ? ` #${e.waitlistPosition}` : ''}</Tag> },
    { title: t('tr.r.who'), key: 'who', responsive: ['lg'], render: (_, e) => `${t(`tr.gender.${e.gender}`)} · ${t(`tr.age.${e.ageBand}`)} · ${e.townshipName ?? e.townshipCode}` },
    { title: t('tr.r.attended'), key: 'att', render: (_, e) => `${e.attended}/${roster.data?.meetingCount ?? 0}` },
    { title: t('tr.r.lessons'), key: 'les', render: (_, e) => `${e.completedLessons}/${roster.data?.lessonCount ?? 0}` },
    { title: t('tr.r.cert'), key: 'cert', render: (_, e) => (e.certNo ? <Link to={`/learn/cert/${e.certNo}`} target="_blank">{e.certNo}</Link> : '—') },
    ...(center ? [{ title: '', key: 'act', render: (_: unknown, e: RosterRow) => e.status !== 'withdrawn' && !e.certNo && <Popconfirm title={t('tr.r.withdrawConfirm')} onConfirm={() => void withdraw(e)}><Button size="small" type="link" danger>{t('tr.withdraw')}</Button></Popconfirm> }] : []),
  ];
  if (roster.error) return <Alert type="error" title={problemText(roster.error, t)} />;
  return <Table rowKey="id" size="small" columns={columns} dataSource={roster.data?.items ?? []} loading={roster.loading} pagination={false} locale={{ emptyText: <Empty description={t('tr.r.empty')} /> }} />;
}

function StaffTab({ cohort, onChanged }: { cohort: Cohort; onChanged: () => void }) {
  const { t } = useI18n();
  const handle = useProblemHandler();
  const [form] = Form.useForm<{ phone: string; role: 'mentor' | 'instructor' }>();
  const { busy, submit } = useFormSubmit(form, async (v) => { await trainingApi.addStaff(cohort.id, v.phone, v.role); form.resetFields(['phone']); onChanged(); });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <List size="small" dataSource={cohort.staff ?? []} renderItem={(s) => (
        <List.Item actions={s.role === 'mentor' ? [<Popconfirm key="r" title={t('tr.s.removeConfirm')} onConfirm={async () => { try { await trainingApi.removeStaff(cohort.id, s.userId); onChanged(); } catch (err) { handle(err); } }}><Button size="small" type="link" danger>{t('tr.remove')}</Button></Popconfirm>] : []}>
          <Space>{s.name}<Tag color={s.role === 'instructor' ? 'blue' : 'default'}>{t(`tr.s.${s.role}`)}</Tag></Space>
        </List.Item>
      )} />
      <Form form={form} layout="inline" onFinish={submit} initialValues={{ role: 'mentor' }}>
        <Form.Item name="phone" rules={[{ required: true, message: t('tr.req') }]}><Input placeholder={t('tr.s.phone')} inputMode="numeric" maxLength={11} /></Form.Item>
        <Form.Item name="role"><Select style={{ width: 120 }} options={[{ value: 'mentor', label: t('tr.s.mentor') }, { value: 'instructor', label: t('tr.s.instructor') }]} /></Form.Item>
        <Button htmlType="submit" loading={busy}>{t('tr.s.add')}</Button>
      </Form>
      <Typography.Text type="secondary">{t('tr.s.hint')}</Typography.Text>
    </Space>
  );
}

function AttendanceDrawer({ meetingId, title, onClose }: { meetingId: string | null; title: string; onClose: () => void }) {
  const { t } = useI18n();
  const handle = useProblemHandler();
  const list = useAsync(() => (meetingId ? trainingApi.attendance(meetingId) : Promise.resolve(null)), [meetingId]);
  const mark = async (userId: string) => {
    try { await trainingApi.markAttended(meetingId!, userId); list.reload(); } catch (err) { handle(err); }
  };
  return (
    <Drawer open={!!meetingId} onClose={onClose} title={title} size={480} destroyOnHidden>
      <List size="small" loading={list.loading} dataSource={list.data?.items ?? []} locale={{ emptyText: t('tr.r.empty') }} renderItem={(p) => (
        <List.Item actions={p.checkedInAt ? [] : [<Button key="m" size="small" onClick={() => void mark(p.userId)}>{t('tr.mt.markManual')}</Button>]}>
          <Space>{p.name}{p.checkedInAt
            ? <Tag color="green">{t(p.method === 'manual' ? 'tr.mt.manual' : 'tr.mt.scanned')} · {formatDateTime(p.checkedInAt)}</Tag>
            : <Tag>{t('tr.mt.absent')}</Tag>}</Space>
        </List.Item>
      )} />
      <Typography.Text type="secondary">{t('tr.mt.manualHint')}</Typography.Text>
    </Drawer>
  );
}

function MeetingsTab({ cohortId, center }: { cohortId: string; center: boolean }) {
  const { t } = useI18n();
  const meetings = useAsync(() => trainingApi.meetings(cohortId), [cohortId]);
  const [viewing, setViewing] = useState<{ id: string; title: string } | null>(null);
  const [form] = Form.useForm<{ title: string; when: [dayjs.Dayjs, dayjs.Dayjs] }>();
  const { busy, submit } = useFormSubmit(form, async (v) => {
    await trainingApi.createMeeting(cohortId, { title: v.title, startsAt: v.when[0].toISOString(), endsAt: v.when[1].toISOString() });
    form.resetFields();
    meetings.reload();
  }, { startsAt: 'when', endsAt: 'when' });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <List size="small" dataSource={meetings.data?.items ?? []} loading={meetings.loading} locale={{ emptyText: t('tr.mt.empty') }} renderItem={(m) => (
        <List.Item actions={[
          <Button key="att" size="small" onClick={() => setViewing({ id: m.id, title: m.title })}>{t('tr.mt.who')}</Button>,
          <Link key="qr" to={`/admin/training/meetings/${m.id}/qr`}><Button size="small" type="primary">{t('tr.mt.showQr')}</Button></Link>,
        ]}>
          <List.Item.Meta title={m.title} description={`${formatDateTime(m.startsAt)} ~ ${formatDateTime(m.endsAt)} · ${t('tr.mt.attended', { n: m.attendedCount })}`} />
        </List.Item>
      )} />
      <AttendanceDrawer meetingId={viewing?.id ?? null} title={viewing?.title ?? ''} onClose={() => { setViewing(null); meetings.reload(); }} />
      {center && (
        <Form form={form} layout="inline" onFinish={submit}>
          <Form.Item name="title" rules={[{ required: true, message: t('tr.req') }]}><Input placeholder={t('tr.mt.title')} /></Form.Item>
          <Form.Item name="when" rules={[{ required: true, message: t('tr.req') }]}><DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" /></Form.Item>
          <Button htmlType="submit" loading={busy}>{t('tr.mt.add')}</Button>
        </Form>
      )}
    </Space>
  );
}

function PracticeTab({ cohortId }: { cohortId: string }) {
  const { t } = useI18n();
  const list = useAsync(() => trainingApi.cohortPractice(cohortId), [cohortId]);
  const columns: TableColumnsType<PracticeRow> = [
    { title: t('tr.r.name'), dataIndex: 'traineeName' },
    { title: t('tr.p.session'), key: 's', render: (_, p) => <Link to={`/admin/training/practice/${p.sessionId}`}>{p.title}</Link> },
    { title: t('tr.p.when'), key: 'w', responsive: ['md'], render: (_, p) => formatDateTime(p.startedAt ?? p.submittedAt) },
    { title: t('tr.p.feedback'), dataIndex: 'feedbackCount', align: 'right' },
    { title: t('tr.c.status'), key: 'st', render: (_, p) => (p.reviewedAt ? <Tag color="green">{t('tr.reviewed')}</Tag> : <Tag color="gold">{t('tr.waitingReview')}</Tag>) },
  ];
  if (list.error) return <Alert type="error" title={problemText(list.error, t)} />;
  return <Table rowKey="sessionId" size="small" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} pagination={false} locale={{ emptyText: <Empty description={t('tr.p.empty')} /> }} />;
}

function SubmissionsTab({ cohortId }: { cohortId: string }) {
  const { t } = useI18n();
  const handle = useProblemHandler();
  const list = useAsync(() => trainingApi.submissions(cohortId), [cohortId]);
  const [viewing, setViewing] = useState<Submission | null>(null);
  const [comment, setComment] = useState('');
  const review = async (verdict: 'pass' | 'redo') => {
    if (!viewing) return;
    try { await trainingApi.reviewSubmission(viewing.id, verdict, comment); setViewing(null); setComment(''); list.reload(); } catch (err) { handle(err); }
  };
  const columns: TableColumnsType<Submission> = [
    { title: t('tr.r.name'), dataIndex: 'traineeName' },
    { title: t('tr.a.title'), dataIndex: 'assignmentTitle' },
    { title: t('tr.p.when'), key: 'w', render: (_, s) => formatDateTime(s.createdAt) },
    { title: t('tr.c.status'), key: 'st', render: (_, s) => <Tag color={STATUS_COLOR[s.status]}>{t(`tr.sub.${s.status}`)}</Tag> },
    { title: '', key: 'a', render: (_, s) => <Button size="small" type="link" onClick={() => setViewing(s)}>{s.status === 'submitted' ? t('tr.a.review') : t('tr.a.watch')}</Button> },
  ];
  return (
    <>
      {list.error ? <Alert type="error" title={problemText(list.error, t)} /> : <Table rowKey="id" size="small" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} pagination={false} locale={{ emptyText: <Empty description={t('tr.a.noSubmissions')} /> }} />}
      <Drawer open={!!viewing} onClose={() => setViewing(null)} title={viewing ? `${viewing.traineeName} · ${viewing.assignmentTitle}` : ''} size={560} destroyOnHidden>
        {viewing && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <video src={viewing.videoUrl} controls style={{ width: '100%', maxHeight: 420, background: '#000' }} />
            {viewing.status === 'submitted' ? (
              <>
                <Input.TextArea rows={3} value={comment} onChange={(e) => setComment(e.target.value)} placeholder={t('tr.a.commentPh')} />
                <Space><Button type="primary" onClick={() => void review('pass')}>{t('tr.a.pass')}</Button><Button danger onClick={() => void review('redo')}>{t('tr.a.redo')}</Button></Space>
              </>
            ) : <Alert type={viewing.status === 'passed' ? 'success' : 'warning'} title={`${t(`tr.sub.${viewing.status}`)}${viewing.comment ? `：${viewing.comment}` : ''}`} />}
          </Space>
        )}
      </Drawer>
    </>
  );
}

function CertificationTab({ cohortId }: { cohortId: string }) {
  const { t } = useI18n();
  const handle = useProblemHandler();
  const { message, modal } = App.useApp();
  const queue = useAsync(() => trainingApi.queue(cohortId), [cohortId]);
  const certify = async (r: QueueRow) => {
    try {
      const c = await trainingApi.certify(cohortId, r.userId);
      message.success(t('tr.cert.issued', { no: c.certNo }));
      queue.reload();
    } catch (err) {
      // Refused: say which rules are not met yet, in the user's language.
      const missing = isProblem(err, 'requirements_not_met') && Array.isArray(err.body.missing) ? (err.body.missing as ('attendance' | 'lessons' | 'quizzes' | 'practice')[]) : null;
      if (missing) message.error(t('tr.cert.missing', { name: r.name, items: missing.map((m) => t(`tr.missing.${m}`)).join(t('common.listSeparator')) }));
      else handle(err);
    }
  };
  const grant = (r: QueueRow) => modal.confirm({
    title: t('tr.cert.grantTitle', { name: r.name }), content: t('tr.cert.grantText'),
    onOk: async () => { try { await trainingApi.grantHost(r.certificate!.certNo); message.success(t('tr.cert.granted')); queue.reload(); } catch (err) { handle(err); } },
  });
  const mark = (met: boolean, text: string) => <Tag color={met ? 'green' : 'red'}>{met ? '✓' : '✗'} {text}</Tag>;
  const columns: TableColumnsType<QueueRow> = [
    { title: t('tr.r.name'), dataIndex: 'name' },
    { title: t('tr.requirements'), key: 'req', render: (_, r) => (
      <Space wrap size={4}>
        {mark(r.attendance.met, t('tr.cert.att', { pct: r.attendance.pct, need: r.attendance.requiredPct }))}
        {mark(r.lessons.met, t('tr.cert.les', { done: r.lessons.completed, total: r.lessons.total }))}
        {mark(r.quizzes.met, t('tr.cert.quiz', { done: r.quizzes.passed, total: r.quizzes.total }))}
        {mark(r.practice.met, t('tr.cert.prac', { done: r.practice.reviewed, need: r.practice.required }))}
      </Space>
    ) },
    { title: t('tr.r.cert'), key: 'cert', render: (_, r) => (r.certificate ? <Link to={`/learn/cert/${r.certificate.certNo}`} target="_blank">{r.certificate.certNo}</Link> : '—') },
    { title: '', key: 'act', render: (_, r) => !queue.data?.canCertify ? null : !r.certificate
      ? <Button size="small" type={r.eligible ? 'primary' : 'default'} onClick={() => void certify(r)} data-testid="certify">{t('tr.cert.certify')}</Button>
      : r.certificate.hostGrantedAt ? <Tag color="green">{t('tr.cert.isHost')}</Tag>
        : <Button size="small" type="primary" onClick={() => grant(r)} data-testid="grant-host">{t('tr.cert.grant')}</Button> },
  ];
  if (queue.error) return <Alert type="error" title={problemText(queue.error, t)} />;
  return <Table rowKey="userId" size="small" columns={columns} dataSource={queue.data?.items ?? []} loading={queue.loading} pagination={false} locale={{ emptyText: <Empty description={t('tr.r.empty')} /> }} />;
}

/** 班级: a cohort's roster and waitlist, staff, meetings with their QR, practice, assignments, certification. */
export function CohortPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const center = useIsCenter();
  const cohort = useAsync(() => trainingApi.cohort(id), [id]);
  useCrumbTitle(cohort.data?.name);
  const [tick, setTick] = useState(0);
  const changed = () => { cohort.reload(); setTick((n) => n + 1); };
  const c = cohort.data;
  if (cohort.error) return <LoadFailed error={cohort.error} notFound={t('tr.k.notFound')} backTo="/admin/training/cohorts" backLabel={t('nav.trainingCohorts')} onRetry={cohort.reload} />;
  if (!c) return <Spin />;
  const enrolLink = `${window.location.origin}/learn/cohorts/${c.id}`;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card title={<Space>{c.name}<Tag color={STATUS_COLOR[c.status]}>{t(`tr.cohortStatus.${c.status}`)}</Tag></Space>}
        extra={center && c.status === 'open' && <Button onClick={async () => { await trainingApi.updateCohort(c.id, { status: 'closed' }); changed(); }}>{t('tr.k.close')}</Button>}>
        <Descriptions size="small" column={{ xs: 1, md: 2 }} items={[
          { key: 'c', label: t('tr.course'), children: c.courseTitle },
          { key: 'd', label: t('tr.dates'), children: `${c.startsOn} ~ ${c.endsOn}` },
          { key: 'p', label: t('tr.place'), children: `${c.placeKind === 'studio' ? t('tr.studio') : c.placeTownshipName ?? ''} ${c.placeDetail}` },
          { key: 's', label: t('tr.seats'), children: `${c.enrolledCount}/${c.capacity} · ${t('tr.k.waiting', { n: c.waitlistCount })}` },
          { key: 'l', label: t('tr.k.enrolLink'), children: <Typography.Text copyable>{enrolLink}</Typography.Text> },
        ]} />
      </Card>
      <Card>
        <Tabs key={tick} items={[
          { key: 'roster', label: t('tr.tab.roster'), children: <RosterTab cohortId={c.id} center={center} onChanged={changed} /> },
          ...(center ? [{ key: 'staff', label: t('tr.tab.staff'), children: <StaffTab cohort={c} onChanged={changed} /> }] : []),
          { key: 'meetings', label: t('tr.tab.meetings'), children: <MeetingsTab cohortId={c.id} center={center} /> },
          { key: 'practice', label: t('tr.tab.practice'), children: <PracticeTab cohortId={c.id} /> },
          { key: 'assignments', label: t('tr.tab.assignments'), children: <SubmissionsTab cohortId={c.id} /> },
          { key: 'cert', label: t('tr.tab.certification'), children: <CertificationTab cohortId={c.id} /> },
        ]} />
      </Card>
    </Space>
  );
}

/** The instructor's screen: the meeting's QR, replaced every 30 seconds, with the head count. */
export function MeetingQrPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const [tick, setTick] = useState(0);
  const qr = useAsync(() => trainingApi.qr(id), [id, tick]);
  useEffect(() => {
    const ms = qr.data?.refreshInMs ?? (qr.error ? 10_000 : null);
    if (ms === null) return;
    const timer = setTimeout(() => setTick((n) => n + 1), ms + 50);
    return () => clearTimeout(timer);
  }, [qr.data, qr.error]);
  const q = qr.data;
  useCrumbTitle(q?.title);
  if (qr.error && !q) return <LoadFailed error={qr.error} notFound={t('tr.mt.notFound')} backTo="/admin/training/cohorts" backLabel={t('nav.trainingCohorts')} onRetry={() => setTick((n) => n + 1)} />;
  if (!q) return <Spin />;
  return (
    <Card style={{ textAlign: 'center' }} title={`${q.cohortName} · ${q.title}`} extra={<Link to={`/admin/training/cohorts/${q.cohortId}`}>{t('tr.mt.back')}</Link>}>
      <Typography.Title level={3}>{t('tr.mt.scan')}</Typography.Title>
      {/* The SVG comes from the server's qrcode library (the check-in link for this 30-s slot). */}
      <div data-testid="meeting-qr" data-url={q.url} style={{ width: 'min(70vh, 90%)', margin: '0 auto' }} dangerouslySetInnerHTML={{ __html: q.svg }} />
      <Typography.Paragraph type="secondary">{t('tr.mt.rotates')}</Typography.Paragraph>
      <Typography.Title level={4} data-testid="attended-count">{t('tr.mt.count', { n: q.attendedCount, total: q.enrolledCount })}</Typography.Title>
      {qr.error ? <Alert type="warning" title={problemText(qr.error, t)} /> : null}
    </Card>
  );
}

/** 练习点评: a shared practice session with its timestamped notes; mentors add notes and finish the review. */
export function PracticeReviewPage() {
  const { t } = useI18n();
  const { sessionId = '' } = useParams();
  const handle = useProblemHandler();
  const { message } = App.useApp();
  const p = useAsync(() => trainingApi.practice(sessionId), [sessionId]);
  useCrumbTitle(p.data?.title);
  const [form] = Form.useForm<{ at: string; text: string }>();
  const [summary, setSummary] = useState('');
  const videoRef = useRef<HTMLVideoElement>(null);
  const seek = (sec: number) => { if (videoRef.current) { videoRef.current.currentTime = sec; void videoRef.current.play().catch(() => undefined); } };
  const { busy, submit } = useFormSubmit(form, async (v) => {
    const m = /^(\d+):([0-5]?\d)$/.exec(v.at.trim());
    const seconds = m ? Number(m[1]) * 60 + Number(m[2]) : Number(v.at);
    await trainingApi.feedback(sessionId, seconds, v.text);
    form.resetFields(['text']);
    p.reload();
  }, { atSecond: 'at' });
  const d = p.data;
  if (p.error) return <LoadFailed error={p.error} notFound={t('tr.p.notFound')} backTo="/admin/training/cohorts" backLabel={t('nav.trainingCohorts')} onRetry={p.reload} />;
  if (!d) return <Spin />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card title={`${d.traineeName} · ${d.title}`} extra={<Link to={`/admin/training/cohorts/${d.cohortId}`}>{d.cohortName}</Link>}>
        <Descriptions size="small" column={{ xs: 1, md: 2 }} items={[
          { key: 's', label: t('tr.p.status'), children: (['scheduled', 'live', 'ended', 'cancelled'] as const).includes(d.sessionStatus as 'live') ? t(`tr.sessionStatus.${d.sessionStatus as 'live'}`) : d.sessionStatus },
          { key: 'w', label: t('tr.p.when'), children: formatDateTime(d.startedAt ?? d.scheduledStart) },
          { key: 'l', label: t('tr.p.length'), children: d.durationSeconds !== null ? mmss(d.durationSeconds) : '—' },
          { key: 'n', label: t('tr.p.note'), children: d.note || '—' },
        ]} />
        {d.reviewedAt && <Alert style={{ marginTop: 12 }} type="success" title={`${t('tr.reviewed')} · ${formatDateTime(d.reviewedAt)}`} description={d.reviewSummary || undefined} />}
        {d.hasReplay
          ? <video ref={videoRef} src={`/api/v1/live/sessions/${d.sessionId}/replay`} controls preload="metadata" style={{ width: '100%', maxHeight: 480, background: '#000', marginTop: 12 }} />
          : <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>{t('tr.p.noReplay')}</Typography.Paragraph>}
      </Card>
      <Card title={t('tr.p.feedback')}>
        <List size="small" dataSource={d.feedback} locale={{ emptyText: t('tr.p.noFeedback') }} renderItem={(f) => (
          <List.Item><Space align="start"><Tag color="blue" style={{ cursor: d.hasReplay ? 'pointer' : undefined }} onClick={() => seek(f.atSecond)}>{mmss(f.atSecond)}</Tag><span>{f.text}</span><Typography.Text type="secondary">— {f.authorName}</Typography.Text></Space></List.Item>
        )} />
        {d.canReview && (
          <Form form={form} layout="inline" onFinish={submit} style={{ marginTop: 12 }}>
            <Form.Item name="at" rules={[{ required: true, pattern: /^(\d+|\d+:[0-5]?\d)$/, message: t('tr.p.atFormat') }]}><Input placeholder="1:35" style={{ width: 90 }} aria-label={t('tr.p.at')} /></Form.Item>
            {d.hasReplay && <Button onClick={() => form.setFieldsValue({ at: mmss(videoRef.current?.currentTime ?? 0) })}>{t('tr.p.now')}</Button>}
            <Form.Item name="text" rules={[{ required: true, message: t('tr.req') }]} style={{ flex: 1, minWidth: 220 }}><Input placeholder={t('tr.p.textPh')} aria-label={t('tr.p.text')} /></Form.Item>
            <Button htmlType="submit" loading={busy}>{t('tr.p.add')}</Button>
          </Form>
        )}
      </Card>
      {d.canReview && !d.reviewedAt && (
        <Card title={t('tr.p.finish')}>
          <Input.TextArea rows={3} value={summary} onChange={(e) => setSummary(e.target.value)} placeholder={t('tr.p.summaryPh')} />
          <Button type="primary" style={{ marginTop: 8 }} onClick={async () => { try { await trainingApi.review(sessionId, summary); message.success(t('tr.p.reviewedOk')); p.reload(); } catch (err) { handle(err); } }}>{t('tr.p.finishBtn')}</Button>
        </Card>
      )}
    </Space>
  );
}
