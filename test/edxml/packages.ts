/** Small, valid edXML packages written out by hand, and helpers to break them one way at a time. */
export const NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

export const HELLO_BASE64 = Buffer.from('xin chào').toString('base64');

export interface EdocParts {
  to?: string;
  documentId?: string;
  subject?: string;
  otherInfo?: string;
  responseFor?: string;
  business?: string;
  references?: string;
  attachments?: string;
}

const org = (tag: string, id: string, name: string) => `<edXML:${tag}><edXML:OrganId>${id}</edXML:OrganId><edXML:OrganName>${name}</edXML:OrganName></edXML:${tag}>`;

export const TO_H41 = org('To', '000.00.00.H41', 'UBND Tỉnh Nghệ An');
export const TO_H14 = org('To', '000.00.00.H14', 'UBND Tỉnh Cao Bằng');
export const REFERENCE_1 = '<edXML:Reference><edXML:ContentId>cid:1</edXML:ContentId><edXML:ContentType>text/plain</edXML:ContentType><edXML:AttachmentName>a.txt</edXML:AttachmentName></edXML:Reference>';
export const attachment = (id: string, text: string) =>
  `<Attachment><ContentId>${id}</ContentId><AttachmentName>a.txt</AttachmentName><ContentType>text/plain</ContentType><edXML:ContentTransferEncoded xmlns:edXML="${NS}">${text}</edXML:ContentTransferEncoded></Attachment>`;

export function edocXml(p: EdocParts = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="${NS}">
  <edXML:edXMLEnvelope xmlns:edXML="${NS}">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        ${org('From', '000.00.00.G22', 'Văn phòng Chính phủ')}
        ${p.to ?? TO_H41}
        ${p.documentId ?? '<edXML:DocumentId>000.00.00.G22,2018/09/28,7816/VPCP-TTĐT</edXML:DocumentId>'}
        <edXML:Code><edXML:CodeNumber>7816</edXML:CodeNumber><edXML:CodeNotation>VPCP-TTĐT</edXML:CodeNotation></edXML:Code>
        <edXML:PromulgationInfo><edXML:Place>Hà Nội</edXML:Place><edXML:PromulgationDate>2018/09/28</edXML:PromulgationDate></edXML:PromulgationInfo>
        <edXML:DocumentType><edXML:Type>1</edXML:Type><edXML:TypeName>Công văn</edXML:TypeName></edXML:DocumentType>
        ${p.subject ?? '<edXML:Subject>V/v kết nối, liên thông phần mềm quản lý văn bản</edXML:Subject>'}
        <edXML:DueDate>2018/10/28</edXML:DueDate>
        ${p.otherInfo ?? '<edXML:OtherInfo><edXML:Priority>2</edXML:Priority></edXML:OtherInfo>'}
        ${p.responseFor ?? ''}
        <edXML:SteeringType>1</edXML:SteeringType>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:Timestamp>2018/09/28 08:30:00</edXML:Timestamp></edXML:TraceHeader>
        ${p.business ?? '<edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType></edXML:Bussiness>'}
      </edXML:TraceHeaderList>
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">${p.references ?? REFERENCE_1}</edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>${p.attachments ?? attachment('cid:1', HELLO_BASE64)}</AttachmentEncoded>
</edXML>
`;
}

export interface StatusParts {
  responseFor?: string;
  statusCode?: string;
  timestamp?: string;
  extra?: string;
}

export const RESPONSE_FOR = '<edXML:ResponseFor><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:Code>7816/VPCP-TTĐT</edXML:Code><edXML:PromulgationDate>2018/09/28</edXML:PromulgationDate><edXML:DocumentId>000.00.00.G22,2018/09/28,7816/VPCP-TTĐT</edXML:DocumentId></edXML:ResponseFor>';

export function statusXml(p: StatusParts = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="${NS}">
  <edXML:edXMLEnvelope xmlns:edXML="${NS}">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        ${org('From', '000.00.00.H41', 'UBND Tỉnh Nghệ An')}
        ${p.responseFor ?? RESPONSE_FOR}
        <edXML:StaffInfo><edXML:Department>Văn thư</edXML:Department><edXML:Staff>Nguyễn Thị Ngọc Trâm</edXML:Staff></edXML:StaffInfo>
        ${p.statusCode ?? '<edXML:StatusCode>03</edXML:StatusCode>'}
        <edXML:Description>Đã tiếp nhận</edXML:Description>
        ${p.timestamp ?? '<edXML:Timestamp>2018/09/28 17:25:11</edXML:Timestamp>'}
        ${p.extra ?? ''}
      </edXML:MessageHeader>
    </edXML:edXMLHeader>
  </edXML:edXMLEnvelope>
</edXML>
`;
}

export const bytes = (xml: string): Buffer => Buffer.from(xml, 'utf8');
